"""Contract columns of the customer tables (Customers V3 and Subscribers V3).

Field names and meanings follow reference/customers.v3.yml and subscribers.v3.yml. Embedded addresses go to
customer_addresses; attributes, form fields and store credit stay on the customer row as JSON.
"""

from bc_pipeline.warehouse.contract import BOOL, ID, INSTANT, INT, JSON, TEXT, C, make_table

CUSTOMERS = make_table(
    "customers",
    "One row per customer (GET /v3/customers with addresses, attributes, form fields and store credit).",
    [
        C("id", ID, "The customer's ID."),
        C("email", TEXT, "The customer's email address (unique)."),
        C("first_name", TEXT, "First name."),
        C("last_name", TEXT, "Last name."),
        C("company", TEXT, "Company name."),
        C("phone", TEXT, "Phone number."),
        C("registration_ip_address", TEXT, "IP address the customer registered from (blank if created by API)."),
        C("notes", TEXT, "The merchant's notes on the customer."),
        C("tax_exempt_category", TEXT, "Tax exempt category code."),
        C("customer_group_id", ID, "ID of the customer group."),
        C("date_created", INSTANT, "When the customer was created (UTC)."),
        C("date_modified", INSTANT, "When the customer was last modified (UTC)."),
        C("address_count", INT, "Number of addresses the customer has."),
        C("attribute_count", INT, "Number of attribute values the customer has."),
        C("authentication", JSON, "Authentication settings (force_password_reset)."),
        C("attributes", JSON, "Customer attribute values (array of id, attribute_id, attribute_value, dates)."),
        C("form_fields", JSON, "Custom sign-up form field values (array of name, value)."),
        C("store_credit_amounts", JSON, "Store credit balances (array of amount)."),
        C("accepts_product_review_abandoned_cart_emails", BOOL, "Whether the customer receives product review or abandoned cart emails."),
        C("origin_channel_id", ID, "ID of the channel the customer was created in."),
        C("channel_ids", JSON, "IDs of the channels the customer can access; null means all."),
        C("shopper_profile_id", TEXT, "Shopper profile ID (beta field)."),
        C("segment_ids", JSON, "IDs of the customer segments the customer belongs to (beta field)."),
    ],
)

CUSTOMER_ADDRESSES = make_table(
    "customer_addresses",
    "One row per customer address (complete set from /v3/customers/addresses when a customer has more than embedded).",
    [
        C("id", ID, "The address's ID."),
        C("customer_id", ID, "ID of the customer."),
        C("first_name", TEXT, "First name."),
        C("last_name", TEXT, "Last name."),
        C("company", TEXT, "Company name."),
        C("address1", TEXT, "Address line 1."),
        C("address2", TEXT, "Address line 2."),
        C("city", TEXT, "City."),
        C("state_or_province", TEXT, "State or province name."),
        C("postal_code", TEXT, "Postal code."),
        C("country", TEXT, "Country name."),
        C("country_code", TEXT, "ISO 3166-1 alpha-2 country code."),
        C("phone", TEXT, "Phone number."),
        C("address_type", TEXT, "Address type: residential or commercial."),
        C("form_fields", JSON, "Custom address form field values (array of name, value)."),
    ],
    version=None,
    parent=("customers", "customer_id"),
)

SUBSCRIBERS = make_table(
    "subscribers",
    "One row per newsletter subscriber (GET /v3/customers/subscribers).",
    [
        C("id", ID, "The subscriber's ID."),
        C("email", TEXT, "The subscriber's email address (unique)."),
        C("first_name", TEXT, "First name."),
        C("last_name", TEXT, "Last name."),
        C("source", TEXT, "Where the subscription came from: storefront, order or custom."),
        C("order_id", ID, "ID of the order the subscription came from, if any."),
        C("channel_id", ID, "ID of the channel the subscriber signed up in."),
        C("consents", JSON, "Active consents (marketing_newsletter, abandoned_cart); empty means unsubscribed."),
        C("date_created", INSTANT, "When the subscriber was created (UTC)."),
        C("date_modified", INSTANT, "When the subscriber was last modified (UTC)."),
    ],
)

CUSTOMER_ATTRIBUTES = make_table(
    "customer_attributes",
    "One row per customer attribute definition (GET /v3/customers/attributes): the names behind attribute values.",
    [
        C("id", ID, "The attribute's ID (the attribute_id of customer attribute values)."),
        C("name", TEXT, "The attribute's name, e.g. Loyalty tier."),
        C("type", TEXT, "The attribute's type: string, number or date (values are always strings)."),
        C("date_created", INSTANT, "When the attribute was created (UTC)."),
        C("date_modified", INSTANT, "When the attribute was last modified (UTC)."),
    ],
)

CUSTOMER_TABLES = (CUSTOMERS, CUSTOMER_ADDRESSES, SUBSCRIBERS, CUSTOMER_ATTRIBUTES)
