"""Indonesian personal names, regions and organisations for demo and benchmark data."""

from __future__ import annotations

MALE_FIRST = (
    "Agus", "Ahmad", "Andi", "Arief", "Aditya", "Bambang", "Bayu", "Budi", "Dani", "Dedi",
    "Dimas", "Eko", "Fajar", "Galih", "Gilang", "Hadi", "Hendra", "Heru", "Ilham", "Irfan",
    "Iwan", "Joko", "Lukman", "Muhammad", "Nanda", "Putra", "Reza", "Rizky", "Rudi", "Sigit",
    "Slamet", "Taufik", "Teguh", "Wahyu", "Yoga", "Yusuf", "Ridwan", "Firman", "Arya", "Kevin",
)  # fmt: skip
FEMALE_FIRST = (
    "Anisa", "Aulia", "Ayu", "Citra", "Desi", "Dewi", "Dian", "Eka", "Fitri", "Indah",
    "Intan", "Kartika", "Lestari", "Maya", "Nadia", "Nurul", "Putri", "Ratna", "Rina", "Rini",
    "Sari", "Sinta", "Siti", "Tri", "Wulan", "Yuni", "Melati", "Nabila", "Salsabila", "Zahra",
)  # fmt: skip
MALE_LAST = (
    "Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Setiawan", "Kurniawan", "Nugroho",
    "Siregar", "Simanjuntak", "Nasution", "Harahap", "Lubis", "Sihombing", "Rahman", "Hakim",
    "Permana", "Gunawan", "Susanto", "Wibowo", "Purnomo", "Hasibuan", "Tanjung", "Situmorang",
    "Firmansyah", "Maulana", "Syahputra", "Ramadhan", "Hartono", "Sembiring", "Ginting",
    "Manurung", "Prasetyo", "Suryadi", "Fauzi",
)  # fmt: skip
FEMALE_LAST = (
    "Lestari", "Rahayu", "Anggraini", "Puspitasari", "Wulandari", "Handayani", "Permatasari",
    "Safitri", "Utami", "Kusumawati", "Nasution", "Siregar", "Hasibuan", "Lubis", "Maharani",
    "Amalia", "Fitriani", "Oktaviani", "Pertiwi", "Sembiring", "Ginting", "Wijaya",
)  # fmt: skip

# (province+regency code, number of districts, city) around Serpong; NIK digits 1-6 come
# from these (Kemendagri codes).
REGIONS = (
    ("3674", 7, "Tangerang Selatan"),
    ("3603", 29, "Kabupaten Tangerang"),
    ("3671", 13, "Kota Tangerang"),
    ("3171", 10, "Jakarta Selatan"),
    ("3174", 8, "Jakarta Barat"),
    ("3275", 12, "Bekasi"),
    ("3201", 40, "Kabupaten Bogor"),
    ("3604", 29, "Kabupaten Serang"),
)

MOBILE_PREFIXES = ("0811", "0812", "0813", "0821", "0852", "0857", "0878", "0896")
