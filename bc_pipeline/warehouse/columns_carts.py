"""Contract columns of the abandoned-cart tables (Carts V3 and the store/cart/* webhooks).

A cart is fetched (GET /v3/carts/{id}, reference/carts.v3.yml) when its store/cart/abandoned event arrives.
Cart ids and line item ids are UUID strings. Three columns come from the events, not the cart:
`abandoned_at` (the abandoned event's time), `converted_order_id` and `converted_at` (store/cart/converted).
A cart already gone when its event is applied (converted or expired: 404) is recorded from the event alone,
its other columns NULL. `currency` is the cart's `currency.code` (the API's object holds only the code).
"""

from bc_pipeline.warehouse.contract import BOOL, ID, INSTANT, INT, JSON, MONEY, TEXT, C, make_table

ABANDONED_CARTS = make_table(
    "abandoned_carts",
    "One row per abandoned cart (store/cart/abandoned, then GET /v3/carts/{id}); conversion sets "
    "converted_order_id.",
    [
        C("id", TEXT, "The cart's ID (a UUID)."),
        C("customer_id", ID, "ID of the customer; 0 for a guest's cart."),
        C("channel_id", ID, "ID of the channel the cart was created on."),
        C("email", TEXT, "The shopper's e-mail address."),
        C("currency", TEXT, "Currency code of the cart (the API's currency.code)."),
        C("tax_included", BOOL, "Whether the prices include tax."),
        C("base_amount", MONEY, "Sum of the items' prices before discounts."),
        C("discount_amount", MONEY, "Discounts on the whole cart (not coupons)."),
        C("manual_discount_amount", MONEY, "Manual discount applied to the cart."),
        C("cart_amount", MONEY, "The cart's total after discounts and coupons."),
        C("coupons", JSON, "Coupons applied (array of code, coupon_type, discounted_amount...)."),
        C("discounts", JSON, "Discounts applied (array of id, discounted_amount)."),
        C("line_items", JSON, "The cart's items reduced to their ids per kind; the items are rows in "
                              "abandoned_cart_items."),
        C("created_time", INSTANT, "When the cart was created (UTC)."),
        C("updated_time", INSTANT, "When the cart was last changed (UTC)."),
        C("locale", TEXT, "The shopper's locale."),
        C("version", INT, "The cart's version number."),
        C("promotions", JSON, "Promotions applied (the API's promotions object)."),
        C("abandoned_at", INSTANT, "When BigCommerce reported the cart abandoned (the event's created_at, UTC)."),
        C("converted_order_id", ID, "The order the cart became (store/cart/converted); NULL while not converted."),
        C("converted_at", INSTANT, "When the cart was converted (the event's created_at, UTC)."),
    ],
    version="updated_time",
)

ABANDONED_CART_ITEMS = make_table(
    "abandoned_cart_items",
    "One row per item of an abandoned cart (physical, digital, gift certificate or custom).",
    [
        C("id", TEXT, "ID of the line item (a UUID)."),
        C("cart_id", TEXT, "ID of the cart."),
        C("kind", TEXT, "Which list of the cart the item is in: physical_items, digital_items, gift_certificates "
                        "or custom_items."),
        C("parent_id", TEXT, "ID of the parent item (bundled products), or NULL."),
        C("product_id", ID, "ID of the product."),
        C("variant_id", ID, "ID of the variant."),
        C("sku", TEXT, "SKU of the variant."),
        C("name", TEXT, "The item's name."),
        C("url", TEXT, "The product's URL."),
        C("quantity", INT, "Quantity in the cart."),
        C("taxable", BOOL, "Whether the item is taxable."),
        C("image_url", TEXT, "URL of the item's image."),
        C("discounts", JSON, "Discounts on the item (array)."),
        C("coupons", JSON, "Coupons on the item."),
        C("discount_amount", MONEY, "Discount on the item."),
        C("coupon_amount", MONEY, "Coupon discount on the item."),
        C("original_price", MONEY, "The item's price before any change."),
        C("list_price", MONEY, "List price of one unit."),
        C("sale_price", MONEY, "Sale price of one unit."),
        C("extended_list_price", MONEY, "List price times quantity."),
        C("extended_sale_price", MONEY, "Sale price times quantity."),
        C("is_require_shipping", BOOL, "Whether the item needs shipping."),
        C("is_mutable", BOOL, "Whether the shopper can change the item."),
        C("added_by_promotion", BOOL, "Whether a promotion added the item."),
        C("gift_wrapping", JSON, "Gift wrapping of the item (physical items)."),
        C("options", JSON, "Options chosen (array of name, nameId, value, valueId)."),
        C("amount", MONEY, "Amount of a gift certificate."),
        C("recipient", JSON, "Recipient of a gift certificate (name, email)."),
        C("sender", JSON, "Sender of a gift certificate (name, email)."),
        C("message", TEXT, "Message of a gift certificate."),
        C("theme", TEXT, "Theme of a gift certificate."),
        C("download_file_urls", JSON, "Download URLs of a digital item."),
        C("download_page_url", TEXT, "Download page of a digital item."),
        C("download_size", TEXT, "Size of a digital item's files."),
    ],
    version=None,
    parent=("abandoned_carts", "cart_id"),
)

CART_TABLES = (ABANDONED_CARTS, ABANDONED_CART_ITEMS)
