"""Catalog v3 records generated on demand: products (with every include), variants, categories, brands.

`product_full` returns a product with every sub-resource the emulator serves (variants, custom_fields,
options, images, plus empty modifiers/bulk_pricing_rules/videos); the HTTP layer strips what was not
included. Numbers are JSON numbers as the v3 spec shows (7.95, 225). Variants carry no dates, as documented.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bc_emulator import vocab
from bc_emulator.rng import mix, money_num, rng_for
from bc_emulator.timefmt import iso_offset

if TYPE_CHECKING:
    from bc_emulator.state import StoreState

CDN = "https://cdn11.bigcommerce.com/s-emulator/images/stencil"


def _option_values(pid: int, n_var: int, k: int) -> list[dict[str, Any]]:
    if n_var <= 1:
        return []
    if n_var <= len(vocab.COLORS):
        return [{"id": pid * 100 + k, "label": vocab.COLORS[k], "option_id": pid * 10 + 1,
                 "option_display_name": "Color"}]
    color, size = k % 4, k // 4
    return [{"id": pid * 100 + color, "label": vocab.COLORS[color], "option_id": pid * 10 + 1,
             "option_display_name": "Color"},
            {"id": pid * 100 + 50 + size, "label": vocab.SIZES[size], "option_id": pid * 10 + 2,
             "option_display_name": "Size"}]


def variant(store: StoreState, vid: int) -> dict[str, Any]:
    vt = store.tables["variants"]
    i = vt.pos(vid)
    pid, k = vt.get("product_id", i), vt.get("k", i)
    pt = store.tables["products"]
    j = pt.pos(pid)
    price = pt.get("price", j) if j is not None else 100000 - k * 10000
    n_var = pt.get("n_var", j) if j is not None else 1
    return _variant(store.seed, vid, pid, k, price, n_var)


def _variant(seed: int, vid: int, pid: int, k: int, product_price: int, n_var: int) -> dict[str, Any]:
    price = product_price + k * 10000
    h = mix(seed, vid)  # two draws only: a full random stream would cost more than the record
    shown = money_num(price)
    return {
        "id": vid, "product_id": pid, "sku": f"SKU-{pid}-{vid}", "sku_id": None if n_var <= 1 else 1000 + vid,
        "price": shown, "calculated_price": shown, "sale_price": 0, "retail_price": 0,
        "map_price": 0, "weight": 1, "calculated_weight": 1, "width": 0, "height": 0, "depth": 0,
        "is_free_shipping": False, "fixed_cost_shipping_price": 0, "purchasing_disabled": h % 20 == 0,
        "purchasing_disabled_message": "", "image_url": "", "cost_price": money_num(price * 6 // 10),
        "upc": "", "mpn": "", "gtin": "", "inventory_level": (h >> 8) % 200,
        "inventory_warning_level": 5, "bin_picking_number": "",
        "option_values": _option_values(pid, n_var, k),
    }


def _options(pid: int, n_var: int) -> list[dict[str, Any]]:
    if n_var <= 1:
        return []
    colors = vocab.COLORS[: n_var] if n_var <= len(vocab.COLORS) else vocab.COLORS[:4]
    opts = [{"id": pid * 10 + 1, "product_id": pid, "display_name": "Color", "type": "swatch",
             "sort_order": 0, "option_values": [
                 {"id": pid * 100 + c, "label": lab, "sort_order": c, "value_data": {"colors": ["#777777"]},
                  "is_default": c == 0} for c, lab in enumerate(colors)]}]
    if n_var > len(vocab.COLORS):
        opts.append({"id": pid * 10 + 2, "product_id": pid, "display_name": "Size", "type": "rectangles",
                     "sort_order": 1, "option_values": [
                         {"id": pid * 100 + 50 + s, "label": vocab.SIZES[s], "sort_order": s, "value_data": None,
                          "is_default": s == 0} for s in range(2)]})
    return opts


def product_full(store: StoreState, pid: int) -> dict[str, Any]:
    t = store.tables["products"]
    i = t.pos(pid)
    rnd = rng_for(store.seed, "product", pid)
    price, n_var, modified, name, first_var, created, brand, visible = t.values(
        i, "price", "n_var", "modified", "name", "var_start", "created", "brand", "visible")
    seed = store.seed
    variants = [_variant(seed, vid, pid, vid - first_var, price, n_var) if 0 <= vid - first_var < n_var
                else variant(store, vid) for vid in store.variant_ids(pid)]
    n_cat = store.tables["categories"].n
    cats = sorted({1 + rnd.randrange(n_cat) for _ in range(rnd.randrange(1, 3))}) if n_cat else []
    url = "/" + name.lower().replace(" ", "-") + "/"
    modified_at = iso_offset(modified)
    images = [{"id": pid * 10 + k, "product_id": pid, "is_thumbnail": k == 1, "sort_order": k - 1,
               "description": "", "image_file": f"p/{pid}_{k}.jpg",
               "url_zoom": f"{CDN}/1280x1280/products/{pid}/{k}.jpg",
               "url_standard": f"{CDN}/500x659/products/{pid}/{k}.jpg",
               "url_thumbnail": f"{CDN}/220x290/products/{pid}/{k}.jpg",
               "url_tiny": f"{CDN}/44x58/products/{pid}/{k}.jpg", "date_modified": modified_at}
              for k in range(1, rnd.randrange(1, 4))]
    return {
        "id": pid, "name": name, "type": "physical", "sku": f"SKU-{pid}",
        "description": f"<p>{name}: made with care. Lorem ipsum dolor sit amet.</p>",
        "weight": rnd.randrange(1, 20), "width": 0, "depth": 0, "height": 0,
        "price": money_num(price), "cost_price": money_num(price * 6 // 10), "retail_price": 0,
        "sale_price": 0, "map_price": 0, "tax_class_id": 0, "product_tax_code": "",
        "calculated_price": money_num(price), "categories": cats, "brand_id": brand,
        "option_set_id": None if n_var <= 1 else 10 + pid % 7, "option_set_display": "right",
        "inventory_level": rnd.randrange(0, 500), "inventory_warning_level": 0,
        "inventory_tracking": "none" if n_var <= 1 else "variant", "reviews_rating_sum": 0,
        "reviews_count": 0, "total_sold": rnd.randrange(0, 300), "fixed_cost_shipping_price": 0,
        "is_free_shipping": rnd.random() < 0.1, "is_visible": visible,
        "is_featured": rnd.random() < 0.05, "related_products": [-1], "warranty": "", "bin_picking_number": "",
        "layout_file": "product.html", "upc": "", "mpn": "", "gtin": "", "search_keywords": "",
        "availability": "available", "availability_description": "", "gift_wrapping_options_type": "any",
        "gift_wrapping_options_list": [], "sort_order": 0, "condition": "New", "is_condition_shown": False,
        "order_quantity_minimum": 0, "order_quantity_maximum": 0, "page_title": "", "meta_keywords": [],
        "meta_description": "", "date_created": iso_offset(created),
        "date_modified": modified_at, "view_count": rnd.randrange(0, 1000),
        "preorder_release_date": None, "preorder_message": "", "is_preorder_only": False,
        "is_price_hidden": False, "price_hidden_label": "",
        "custom_url": {"url": url, "is_customized": False},
        "base_variant_id": variants[0]["id"] if n_var <= 1 and variants else None,
        "open_graph_type": "product", "open_graph_title": "", "open_graph_description": "",
        "open_graph_use_meta_description": True, "open_graph_use_product_name": True,
        "open_graph_use_image": True,
        "variants": variants,
        "custom_fields": [{"id": pid * 10 + 1, "name": "Material", "value": name.split()[0]},
                          {"id": pid * 10 + 2, "name": "Origin", "value": rnd.choice(("Portugal", "Việt Nam",
                                                                                        "Sverige", "USA"))}],
        "options": _options(pid, n_var), "images": images,
        "modifiers": [], "bulk_pricing_rules": [], "videos": [],
    }


def category(store: StoreState, cid: int) -> dict[str, Any]:
    names = vocab.CATEGORY_NAMES
    name = names[(cid - 1) % len(names)] + ("" if cid <= len(names) else f" {cid}")
    parent = 0 if cid <= 6 else 1 + (cid - 1) % 6
    url = "/" + name.lower().replace(" ", "-") + "/"
    return {
        "id": cid, "parent_id": parent, "name": name, "description": f"<p>{name}</p>", "views": cid * 7,
        "sort_order": cid % 5, "page_title": "", "meta_keywords": [""], "meta_description": "",
        "layout_file": "category.html", "image_url": "", "is_visible": cid % 9 != 0, "search_keywords": "",
        "default_product_sort": "use_store_settings", "custom_url": {"url": url, "is_customized": False},
    }


def brand(store: StoreState, bid: int) -> dict[str, Any]:
    names = vocab.BRAND_NAMES
    name = names[(bid - 1) % len(names)] + ("" if bid <= len(names) else f" {bid}")
    return {
        "id": bid, "name": name, "page_title": name, "meta_keywords": [""], "meta_description": "",
        "image_url": "", "search_keywords": "",
        "custom_url": {"url": "/brands/" + name.replace(" ", "-") + ".html", "is_customized": False},
    }
