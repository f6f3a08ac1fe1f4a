"""Word lists the generator draws from: names (some non-ASCII), places, currencies, catalog words.

Fixed lists, so a seed always yields the same store.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Jane", "John", "Maria", "Ahmed", "Olivia", "Liam", "Sofia", "Noah", "Emma", "Lucas", "Mia", "Ethan",
    "Chloé", "Zoë", "José", "Søren", "Françoise", "Łukasz", "Renée", "Björn", "雷", "美玲", "Ана", "Şükrü",
    "Priya", "Kenji", "Amara", "Mateo", "Aoife", "Nathaniel",
)
LAST_NAMES = (
    "Doe", "Smith", "Garcia", "Nguyen", "Patel", "Johnson", "Brown", "Williams", "Jones", "Miller", "Davis",
    "Ångström", "Müller", "Øyen", "Dvořák", "Núñez", "O'Brien", "李", "王", "Иванова", "Çelik", "Hornblower",
    "Kowalski", "Rossi", "Tanaka", "Okafor", "Silva", "Dubois", "Murphy", "Schmidt",
)
# A few whole names kept verbatim so tests can look for them.
SPECIAL_NAMES = (("Zoë", "Ångström"), ("雷", "李"), ("Renée", "Müller"), ("Şükrü", "Çelik"))

ADDRESSES = (
    # street, city, state, zip, country, iso2
    ("555 East Street", "Austin", "Texas", "78108", "United States", "US"),
    ("111 E West Street", "Akron", "Ohio", "44325", "United States", "US"),
    ("666 Sussex St", "Sydney", "New South Wales", "2000", "Australia", "AU"),
    ("St Katharine's & Wapping", "London", "England", "EC3N 4AB", "United Kingdom", "GB"),
    ("12 Rue de Rivoli", "Paris", "Île-de-France", "75001", "France", "FR"),
    ("Königstraße 5", "Stuttgart", "Baden-Württemberg", "70173", "Germany", "DE"),
    ("1-2-3 Shibuya", "Tokyo", "Tokyo", "150-0002", "Japan", "JP"),
    ("88 Queen St W", "Toronto", "Ontario", "M5H 2N2", "Canada", "CA"),
    ("Calle Mayor 10", "Madrid", "Madrid", "28013", "Spain", "ES"),
    ("北京路 100号", "Guangzhou", "Guangdong", "510000", "China", "CN"),
    ("Storgatan 3", "Malmö", "Skåne", "211 34", "Sweden", "SE"),
    ("2234 Main Street", "Portland", "Oregon", "97205", "United States", "US"),
)

# id, code, transactional rate from USD (string with 10 decimals, as the API shows)
CURRENCIES = (
    (1, "USD", "1.0000000000"),
    (2, "EUR", "0.9200000000"),
    (3, "GBP", "0.7900000000"),
    (4, "CAD", "1.3600000000"),
    (5, "AUD", "1.5200000000"),
)

PAYMENT_METHODS = ("Credit Card", "Cash", "Manual", "Test Payment Gateway", "PayPal")
SHIPPING_METHODS = ("Free Shipping", "Flat Rate", "UPS Ground", "Royal Mail", "DHL Express")
ORDER_SOURCES = ("www", "manual", "external", "checkout_api")
LOCALES = ("en", "en-US", "fr", "de", "es-419", "zh")

FAVOURITE_COLOURS = ("Red", "Green", "Blue", "Ochre", "Teal", "Magenta", "Vermilion")
HEARD_FROM = ("Friend", "Search engine", "Instagram", "Podcast", "Newspaper", "Other")
INTERESTS = ("Kitchen", "Garden", "Books", "Coffee", "Travel")
ATTRIBUTE_NAMES = (
    "Age", "Loyalty tier", "Shoe size", "Birthday", "Preferred store", "VIP", "Referral code", "Height",
    "Newsletter topic", "Account manager", "Segment", "Pet name", "Dietary needs", "Language",
)
SIGNUP_FIELD_NAMES = ("Favourite colour", "How did you hear about us?", "Interests", "Shoe size")

ADJECTIVES = (
    "Linen", "Ceramic", "Oak", "Copper", "Glass", "Wool", "Canvas", "Marble", "Bamboo", "Cast Iron",
    "Velvet", "Walnut", "Stoneware", "Brass", "Cotton",
)
NOUNS = (
    "Towel", "Mug", "Jar", "Kettle", "Journal", "Lamp", "Planter", "Blanket", "Tray", "Bowl", "Vase",
    "Apron", "Teapot", "Basket", "Candle",
)
CATEGORY_NAMES = (
    "Shop All", "Kitchen", "Garden", "Publications", "Utility", "Bath", "Living", "Office", "Outdoor",
    "Gifts", "Sale", "New Arrivals", "Lighting", "Textiles", "Storage", "Tableware",
)
BRAND_NAMES = (
    "Sagaform", "OFS", "Common Good", "BigCommerce", "Acme Brand", "Fog Linen Work", "Barr-Co.",
    "Thames & Hudson", "Able Brewing", "Chemex", "Kinfolk", "Iris Hantverk", "Gather Journal", "Smith",
    "Nordlys", "Hōjicha & Co", "Café Ñandú",
)
COLORS = ("Beige", "Grey", "Black", "White", "Olive", "Rust")
SIZES = ("S", "M", "L", "XL")
