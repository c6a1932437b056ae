"""Fixed reference lists of the sample world: topics, technologies, names, seed maps."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"


@dataclass(frozen=True)
class Topic:
    topic_id: int
    topic_name: str
    cluster_name: str
    is_relevant: bool
    need: str
    product_line: str


@dataclass(frozen=True)
class Tech:
    tech_name: str
    tech_category: str
    relation: str  # competitor | complementary | other
    prevalence: float  # share of mid-sized companies using it
    logit_effect: float


def _t(i: int, name: str, cluster: str, rel: bool, need: str, line: str) -> Topic:
    return Topic(i, name, cluster, rel, need, line)


# The topic catalog a user would export as a seed; relevant topics signal a need we sell to.
TOPIC_CATALOG: tuple[Topic, ...] = (
    _t(1001, "Account-Based Marketing", "Marketing Strategy", True, "target_accounts",
       "abm_platform"),
    _t(1002, "Intent Data", "Sales Intelligence", True, "find_in_market_accounts", "intent"),
    _t(1003, "Predictive Analytics", "Data Science", True, "prioritize_accounts", "intent"),
    _t(1004, "B2B Advertising", "Advertising", True, "reach_buying_committee", "advertising"),
    _t(1005, "Marketing Automation", "Marketing Technology", True, "orchestrate_campaigns",
       "abm_platform"),
    _t(1006, "Lead Scoring", "Marketing Technology", True, "prioritize_accounts", "intent"),
    _t(1007, "Sales Intelligence", "Sales Intelligence", True, "find_in_market_accounts",
       "data_services"),
    _t(1008, "Customer Data Platform", "Marketing Technology", True, "unify_customer_data",
       "data_services"),
    _t(1009, "Revenue Operations", "Sales Operations", True, "measure_pipeline", "analytics"),
    _t(1010, "Demand Generation", "Marketing Strategy", True, "grow_pipeline", "abm_platform"),
    _t(1011, "Marketing Attribution", "Marketing Analytics", True, "measure_pipeline",
       "analytics"),
    _t(1012, "Website Personalization", "Marketing Technology", True, "reach_buying_committee",
       "advertising"),
    _t(1013, "Data Enrichment", "Data Management", True, "unify_customer_data", "data_services"),
    _t(1014, "Pipeline Management", "Sales Operations", True, "grow_pipeline", "analytics"),
    _t(1015, "Sales Engagement", "Sales Technology", True, "orchestrate_campaigns",
       "abm_platform"),
    _t(2001, "Cloud Security", "Security", False, "none", "none"),
    _t(2002, "Payroll Software", "Human Resources", False, "none", "none"),
    _t(2003, "Office Furniture", "Facilities", False, "none", "none"),
    _t(2004, "Employee Wellness", "Human Resources", False, "none", "none"),
    _t(2005, "Fleet Management", "Operations", False, "none", "none"),
    _t(2006, "Tax Compliance", "Finance", False, "none", "none"),
    _t(2007, "Video Conferencing", "Collaboration", False, "none", "none"),
    _t(2008, "Supply Chain Visibility", "Operations", False, "none", "none"),
    _t(2009, "Construction Management", "Operations", False, "none", "none"),
    _t(2010, "Food Safety", "Compliance", False, "none", "none"),
)

# Topics that appear in Bombora files but are deliberately missing from the catalog above.
UNKNOWN_TOPICS: tuple[tuple[int, str, str], ...] = (
    (9001, "Quantum Networking", "Emerging Technology"),
    (9002, "Holiday Catering", "Events"),
)

TECH_CATALOG: tuple[Tech, ...] = (
    Tech("Demandbase", "abm_platform", "competitor", 0.05, -0.7),
    Tech("6sense", "abm_platform", "competitor", 0.05, -0.7),
    Tech("Terminus", "abm_platform", "competitor", 0.03, -0.7),
    Tech("RollWorks", "abm_platform", "competitor", 0.03, -0.7),
    Tech("Salesforce", "crm", "complementary", 0.35, 0.45),
    Tech("HubSpot", "marketing_automation", "complementary", 0.22, 0.35),
    Tech("Marketo", "marketing_automation", "complementary", 0.10, 0.45),
    Tech("Snowflake", "data_warehouse", "complementary", 0.12, 0.40),
    Tech("Segment", "customer_data_platform", "complementary", 0.08, 0.35),
    Tech("Outreach", "sales_engagement", "complementary", 0.10, 0.35),
    Tech("LinkedIn Sales Navigator", "sales_intelligence", "complementary", 0.15, 0.30),
    Tech("WordPress", "cms", "other", 0.40, 0.0),
    Tech("Google Analytics", "web_analytics", "other", 0.60, 0.0),
    Tech("Shopify", "ecommerce", "other", 0.10, 0.0),
    Tech("Zendesk", "customer_support", "other", 0.15, 0.0),
    Tech("Slack", "collaboration", "other", 0.40, 0.0),
    Tech("AWS", "cloud_infrastructure", "other", 0.40, 0.0),
    Tech("Cloudflare", "cdn", "other", 0.30, 0.0),
    Tech("Stripe", "payments", "other", 0.15, 0.0),
    Tech("Jira", "project_management", "other", 0.25, 0.0),
    Tech("Workday", "hr", "other", 0.10, 0.0),
)

FREE_MAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "qq.com", "icloud.com",
    "aol.com", "gmx.de", "yahoo.co.uk", "163.com", "proton.me", "live.com",
)

INDUSTRIES: tuple[str, ...] = (
    "Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Education",
    "Telecommunications", "Media", "Professional Services", "Energy", "Transportation",
    "Government", "Real Estate", "Hospitality",
)
INDUSTRY_WEIGHTS = (14, 10, 9, 10, 8, 5, 4, 6, 9, 4, 5, 3, 6, 7)
INDUSTRY_EFFECT = {
    "Software": 0.8, "Financial Services": 0.6, "Professional Services": 0.3,
    "Healthcare": 0.2, "Telecommunications": 0.2, "Media": 0.1, "Manufacturing": 0.0,
    "Retail": -0.1, "Transportation": -0.3, "Energy": -0.3, "Real Estate": -0.5,
    "Education": -0.7, "Hospitality": -0.8, "Government": -1.0,
}
# Industry-flavoured second words of company names, in INDUSTRIES order.
INDUSTRY_WORDS: tuple[tuple[str, ...], ...] = (
    ("Software", "Labs", "Systems", "Cloud"), ("Capital", "Bank", "Financial", "Insurance"),
    ("Health", "Medical", "Bio", "Care"), ("Industries", "Manufacturing", "Works", "Machines"),
    ("Retail", "Stores", "Brands", "Market"), ("Learning", "Academy", "Education", "Schools"),
    ("Telecom", "Networks", "Wireless", "Communications"), ("Media", "Studios", "Publishing",
    "Entertainment"), ("Consulting", "Partners", "Advisors", "Services"), ("Energy", "Power",
    "Utilities", "Resources"), ("Logistics", "Freight", "Transport", "Airlines"), ("Agency",
    "Authority", "Council", "Services"), ("Realty", "Properties", "Estates", "Construction"),
    ("Hotels", "Hospitality", "Travel", "Resorts"),
)

# country code, weight, top-level domains used there, legal suffixes used there
COUNTRIES: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...]], ...] = (
    ("US", 40, ("com", "com", "com", "io", "ai", "co"), ("Inc.", "LLC", "Corp.")),
    ("CA", 4, ("ca", "com"), ("Inc.", "Ltd.")),
    ("MX", 2, ("com.mx", "mx"), ("S.A. de C.V.",)),
    ("BR", 3, ("com.br",), ("S.A.", "Ltda.")),
    ("AR", 1, ("com.ar",), ("S.A.",)),
    ("GB", 9, ("co.uk", "co.uk", "com"), ("Ltd", "plc", "Limited")),
    ("IE", 1, ("ie", "com"), ("Ltd", "DAC")),
    ("DE", 7, ("de", "de", "com"), ("GmbH", "AG")),
    ("FR", 5, ("fr", "com"), ("S.A.", "SAS")),
    ("NL", 3, ("nl", "com"), ("B.V.", "N.V.")),
    ("ES", 2, ("es", "com"), ("S.A.", "S.L.")),
    ("IT", 2, ("it", "com"), ("S.p.A.", "S.r.l.")),
    ("SE", 2, ("se", "com"), ("AB",)),
    ("CH", 2, ("ch", "com"), ("AG", "GmbH")),
    ("ZA", 1, ("co.za",), ("(Pty) Ltd",)),
    ("IN", 4, ("in", "co.in", "com"), ("Pvt. Ltd.", "Ltd.")),
    ("JP", 3, ("co.jp", "jp"), ("K.K.", "Co., Ltd.")),
    ("AU", 3, ("com.au",), ("Pty Ltd",)),
    ("NZ", 1, ("co.nz",), ("Ltd",)),
    ("SG", 2, ("com.sg", "sg"), ("Pte. Ltd.",)),
    ("CN", 2, ("com.cn", "cn"), ("Co., Ltd.",)),
)
REGION_EFFECT = {"north_america": 0.3, "emea": 0.1, "apac": -0.3, "latam": -0.5}

EMPLOYEE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("1-50", 1, 50), ("51-200", 51, 200), ("201-1000", 201, 1000),
    ("1001-5000", 1001, 5000), ("5001+", 5001, 10**9),
)
BAND_EFFECT = {"1-50": -1.2, "51-200": -0.3, "201-1000": 0.4, "1001-5000": 0.6, "5001+": 0.2}
FOUNDED_RECENT_YEAR = 2012
FOUNDED_RECENT_EFFECT = 0.15
LOGIT_INTERCEPT = -1.75
FUNDING_STAGES: tuple[str, ...] = (
    "bootstrapped", "seed", "series_a", "series_b", "series_c", "series_d_plus",
    "private_equity", "public",
)
# Fit segments by fixed cut points on the true win probability (roughly tertiles).
FIT_HIGH_MIN = 0.30
FIT_MEDIUM_MIN = 0.15

FIRST_NAMES: tuple[str, ...] = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Wei", "Li", "Hiroshi", "Yuki", "Priya", "Rahul", "Ana", "João", "Lucía", "Mateo", "Sofia",
    "Lukas", "Emma", "Noah", "Olivia", "Liam", "Chloé", "Louis", "Fatima", "Omar", "Ingrid",
    "Lars", "Aoife", "Sean", "Zoë", "Björn", "Mei", "Kenji", "Aisha", "Kwame", "Ravi", "Sanjay",
)
LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Müller", "Schmidt", "Schneider", "Dubois", "Lefèvre", "Rossi",
    "Bianchi", "Silva", "Santos", "Tanaka", "Suzuki", "Wang", "Zhang", "Chen", "Kumar", "Patel",
    "Singh", "O'Brien", "Murphy", "Nguyen", "Kowalski", "Andersson", "Johansson", "Okafor",
    "Cohen", "Levi", "Novak", "Horvat", "Van Dijk", "De Jong",
)
TITLES: tuple[str, ...] = (
    "VP Marketing", "Director of Demand Generation", "Marketing Operations Manager", "CMO",
    "Head of Sales", "Sales Development Rep", "Account Executive", "CRO", "CEO", "CTO",
    "Data Analyst", "RevOps Manager", "Software Engineer", "Office Manager", "CFO",
)
DEPARTMENTS: tuple[str, ...] = (
    "Marketing", "Sales", "Operations", "Engineering", "Finance", "Executive", "IT",
)
LEAD_SOURCES: tuple[str, ...] = (
    "Web", "Webinar", "Trade Show", "Partner Referral", "Purchased List", "Advertisement",
    "Content Download", "Other",
)
UNKNOWN_INDUSTRIES: tuple[str, ...] = ("Widgets", "Misc", "N/A", "Other Stuff", "")
UNKNOWN_COUNTRIES: tuple[str, ...] = ("Atlantis", "XX", "Earth", "Narnia", "-")
BAD_NUMBERS: tuple[str, ...] = ("n/a", "1,2OO", "unknown", "approx. 500", "TBD")
BAD_DATES: tuple[str, ...] = ("not a date", "2024-13-45", "31/31/2020", "yesterday")


@cache
def seed_raw_values(seed_file: str, key_column: str) -> dict[str, tuple[str, ...]]:
    """Raw values of a seed map grouped by their canonical value (`key_column`)."""
    path = SEEDS_DIR / seed_file
    if not path.exists():
        raise FileNotFoundError(f"sample data needs the seed map {path}")
    grouped: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped.setdefault(row[key_column], []).append(row["raw_value"])
    return {key: tuple(values) for key, values in grouped.items()}


@cache
def country_regions() -> dict[str, str]:
    path = SEEDS_DIR / "country_map.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["country_code"]: row["region"] for row in csv.DictReader(handle)}
