"""Seeded generator of SYNTHETIC registers in the layout of SIPRI's trade register, for benchmarks only.

Every row is invented: random recipients, suppliers, years, counts and TIV, with designations such as
"SYN-0042". The file says so in its name (synthetic-…) and in its first preamble line, so it can never be
mistaken for SIPRI's data. It has the quirks the importer must handle: Latin-1 text, a preamble, the three
"?" flag columns, years written 2022? or (2025), "; "-separated delivery years, and a few records broken over
two physical lines by a line break inside Comments. Same seed and size -> the same bytes.

    python -m bench.synth 1000000 [--seed 42] [--out bench/data]
"""

import argparse
import os
import random
from pathlib import Path

VERSION = 1  # bump when the output changes for a given seed and size (cached files are named after it)
DEFAULT_SEED = 42
DATA_DIR = Path(__file__).resolve().parent / "data"
VINTAGE = "1 Jan 2025 12:00:00 PM"  # "Data generated" of every synthetic file
HEADER = (
    "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,"
    "Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,SIPRI TIV for total order,"
    "SIPRI TIV of delivered weapons"
)
# Names as SIPRI writes them, weighted roughly like the real register (a few big suppliers, many recipients).
SUPPLIERS = [
    ("United States", 30),
    ("Soviet Union", 11),
    ("France", 9),
    ("United Kingdom", 7),
    ("Germany", 5),
    ("Russia", 4),
    ("China", 4),
    ("Italy", 3),
    ("Israel", 3),
    ("Turkiye", 3),
    ("Canada", 2),
    ("Netherlands", 2),
    ("Sweden", 2),
    ("Ukraine", 2),
    ("Switzerland", 1),
    ("Spain", 1),
    ("unknown supplier(s)", 1),
    ("South Africa", 1),
    ("Brazil", 1),
    ("Poland", 1),
    ("South Korea", 1),
    ("Czechia", 1),
    ("Norway", 1),
    ("Czechoslovakia", 1),
    ("UAE", 1),
    ("Pakistan", 1),
]
RECIPIENTS = [
    "India",
    "Egypt",
    "Thailand",
    "Turkiye",
    "Greece",
    "Pakistan",
    "Saudi Arabia",
    "UAE",
    "Qatar",
    "Iraq",
    "Iran",
    "Israel",
    "Japan",
    "South Korea",
    "Taiwan",
    "Australia",
    "Indonesia",
    "Malaysia",
    "Singapore",
    "Viet Nam",
    "Philippines",
    "Bangladesh",
    "Sri Lanka",
    "Nigeria",
    "Algeria",
    "Morocco",
    "Libya",
    "Tunisia",
    "Ethiopia",
    "Kenya",
    "Angola",
    "South Africa",
    "Brazil",
    "Chile",
    "Peru",
    "Colombia",
    "Venezuela",
    "Argentina",
    "Mexico",
    "Canada",
    "United States",
    "United Kingdom",
    "France",
    "Germany",
    "Italy",
    "Spain",
    "Poland",
    "Romania",
    "Bulgaria",
    "Hungary",
    "Czechia",
    "Finland",
    "Norway",
    "Sweden",
    "Denmark",
    "Netherlands",
    "Belgium",
    "Portugal",
    "Ukraine",
    "Azerbaijan",
    "Georgia",
    "Kazakhstan",
    "Uzbekistan",
    "Turkmenistan",
    "Afghanistan",
    "Syria",
    "Jordan",
    "Lebanon",
    "Oman",
    "Kuwait",
    "Bahrain",
    "Yemen",
    "Sudan",
    "Somalia",
    "Niger",
    "Mali",
    "Burkina Faso",
    "Chad",
    "Cote d'Ivoire",
    "Ghana",
    "Senegal",
    "Cameroon",
    "Uganda",
    "Rwanda",
    "Tanzania",
    "Mozambique",
    "Zambia",
    "Zimbabwe",
    "Botswana",
    "Namibia",
    "East Germany (GDR)",
    "Yugoslavia",
    "Bosnia-Herzegovina",
    "Kosovo",
    "Albania",
    "North Macedonia",
    "Serbia",
    "Croatia",
    "NATO**",
    "African Union**",
    "Houthi rebels (Yemen)*",
    "unknown recipient(s)",
]
DESCRIPTIONS = [
    "APC",
    "transport aircraft",
    "light helicopter",
    "air search radar",
    "FGA aircraft",
    "SAM",
    "anti-tank missile",
    "tank",
    "trainer aircraft",
    "fighter aircraft",
    "towed gun",
    "patrol boat",
    "anti-ship missile",
    "naval gun",
    "aircraft engine",
    "vehicle engine",
    "self-propelled gun",
    "multiple rocket launcher",
    "infantry fighting vehicle",
    "combat helicopter",
    "UAV",
    "armed UAV",
    "frigate",
    "corvette",
    "submarine",
    "loitering munition",
]
TURKISH = ["Bayraktar TB2", "Akinci", "Anka", "Kirpi", "Cobra", "T-129 ATAK", "Hurjet", "MILGEM", "Kaan"]
LATIN_1 = ["Bü-181 Bestmann", "Wärtsilä 12V", "Santa Fé"]  # a few non-ASCII designations, as SIPRI has
COMMENTS = [
    "",
    "",
    "",
    "synthetic row",
    "synthetic row; second-hand",
    "synthetic row; financed by aid",
    "synthetic row; incl. spare parts",
    "synthetic row; produced under licence",
    "synthetic row; lease",
]
STATUSES = ["New"] * 8 + ["Second hand"] * 3 + ["Second hand but modernized"]
LAST_YEAR = 2024
BROKEN_EVERY = 7000  # about one record in 7000 is broken over two lines (4 in 29,500 in SIPRI's 2025 export)


def path_for(rows: int, seed: int = DEFAULT_SEED, out: Path = DATA_DIR) -> Path:
    return out / f"synthetic-trade-register_{label(rows)}_seed{seed}_v{VERSION}.csv"


def label(rows: int) -> str:
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if rows >= size and rows % size == 0:
            return f"{rows // size}{suffix}"
    return str(rows)


def preamble(rows: int, seed: int) -> list[str]:
    return [
        f"SYNTHETIC DATA, NOT SIPRI'S: {rows} invented records in the layout of SIPRI's trade register, "
        f"written by bench/synth.py (seed {seed}, version {VERSION}) for defex's benchmarks only",
        "A '?' in a column indicates uncertain data.",
        "Source: none (random values); the layout follows the SIPRI Arms Transfers Database's CSV export.",
        f"Data generated: {VINTAGE}",
    ]


def _year(rng: random.Random, year: int) -> tuple[str, str]:
    """A year as written in the register and its flag column: 2015 / 2015 + '?' / 2015? / (2025)."""
    roll = rng.random()
    if roll < 0.45:
        return str(year), "?"
    if roll < 0.47:
        return f"{year}?", ""
    if roll < 0.48:
        return f"({year})", ""
    return str(year), ""


def _tiv(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"


def record(rng: random.Random, suppliers: list[str], weights: list[int], designations: list[str]) -> list[str]:
    supplier = rng.choices(suppliers, weights)[0]
    recipient = rng.choice(RECIPIENTS)
    order = rng.randint(1950, LAST_YEAR)
    order_text, order_flag = _year(rng, order)
    quantity = rng.choice((1, 2, 4, 6, 8, 12, 20, 24, 50, 100, 250, 1000))
    known = rng.random() > 0.01
    delivered = quantity if rng.random() < 0.8 else rng.randint(0, quantity)
    span = range(order, min(order + 8, LAST_YEAR) + 1)
    years = sorted(rng.sample(span, min(rng.randint(0, 4), len(span))))
    if supplier == "Turkiye" and rng.random() < 0.5:
        designation = rng.choice(TURKISH)
    elif rng.random() < 0.001:
        designation = rng.choice(LATIN_1)
    else:
        designation = rng.choice(designations)
    per_unit = round(rng.lognormvariate(0, 1.5), 2)
    total = round(per_unit * quantity, 2) if known else None
    delivered_tiv = round(per_unit * delivered, 2) if years else None
    return [
        recipient,
        supplier,
        order_text,
        order_flag,
        str(quantity) if known else "",
        "?" if rng.random() < 0.4 else "",
        designation,
        rng.choice(DESCRIPTIONS),
        str(delivered) if years else "",
        "?" if years and rng.random() < 0.1 else "",
        "; ".join(map(str, years)),
        rng.choice(STATUSES),
        rng.choice(COMMENTS),
        _tiv(per_unit),
        "" if total is None else _tiv(total),
        "" if delivered_tiv is None else _tiv(delivered_tiv),
    ]


def lines(rows: int, seed: int = DEFAULT_SEED):
    """The file's physical lines (without line ends), preamble first."""
    rng = random.Random(seed)
    suppliers, weights = [s for s, _ in SUPPLIERS], [w for _, w in SUPPLIERS]
    designations = [f"SYN-{n:04d}" for n in range(3000)]
    yield from preamble(rows, seed)
    yield HEADER
    for _ in range(rows):
        fields = record(rng, suppliers, weights, designations)
        if rng.random() < 1 / BROKEN_EVERY:
            fields[12] = "synthetic row broken over two lines"
            yield ",".join(fields[:12] + ["synthetic row broken"])  # 13 fields, then 4 on the next line
            yield ",".join(["over two lines"] + fields[13:])
        else:
            yield ",".join(fields)


def write(rows: int, seed: int = DEFAULT_SEED, out: Path = DATA_DIR) -> Path:
    """Write the file unless it exists already (same name = same bytes); returns its path."""
    target = path_for(rows, seed, out)
    if target.exists():
        return target
    out.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    with open(partial, "w", encoding="latin-1", newline="\n") as handle:
        chunk = []
        for line in lines(rows, seed):
            chunk.append(line)
            if len(chunk) == 10_000:
                handle.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            handle.write("\n".join(chunk) + "\n")
    os.replace(partial, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synth", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rows", type=int)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    print(write(args.rows, args.seed, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
