"""ISDC Serpong's demo catalogue: organisations, facilities, courses, instructors."""

from __future__ import annotations

from datetime import time

from isdc.models import (
    CourseCategory,
    FacilityKind,
    OrganisationKind,
    SimClass,
    TrackKind,
    VehicleKind,
)

SITE = {
    "name": "ISDC Serpong",
    "code": "SRP",
    "timezone": "Asia/Jakarta",
    "address": "Pusdik Lantas Polri, Jl. Raya Puspiptek, Serpong, Tangerang Selatan, Banten",
    "certificate_signatory_name": "Kombes Pol. Dr. Bagus Hendrawan, S.I.K., M.Si.",
    "certificate_signatory_title": "Kepala Indonesia Safety Driving Center",
    "certificate_signatory_title_en": "Head of the Indonesia Safety Driving Center",
    "certificate_place": "Serpong",
}

# name, kind, city, email domain, (youngest, oldest), female share, SIM classes held.
ORGANISATIONS = (
    ("PT Nusantara Logistik Ekspres", OrganisationKind.COMPANY, "Kabupaten Tangerang",
     "nle-logistik.example", (21, 55), 0.1, (SimClass.B1, SimClass.B2, SimClass.B1_UMUM)),
    ("PO Bus Harapan Trans Jawa", OrganisationKind.COMPANY, "Kota Tangerang",
     "harapantrans.example", (25, 56), 0.05, (SimClass.B1_UMUM, SimClass.B2_UMUM)),
    ("SMA Harapan Bangsa Serpong", OrganisationKind.SCHOOL, "Tangerang Selatan",
     None, (15, 17), 0.5, (SimClass.C,)),
    ("Satlantas Polres Tangerang Selatan", OrganisationKind.POLICE_UNIT, "Tangerang Selatan",
     None, (22, 45), 0.25, (SimClass.A, SimClass.C)),
    ("Ditlantas Polda Banten", OrganisationKind.POLICE_UNIT, "Kabupaten Serang",
     None, (24, 48), 0.2, (SimClass.A, SimClass.C)),
    ("Dinas Perhubungan Kota Tangerang Selatan", OrganisationKind.AGENCY, "Tangerang Selatan",
     "dishub-tangsel.example", (23, 50), 0.35, (SimClass.A, SimClass.C)),
)  # fmt: skip
# How many of the 60 demo trainees each organisation sends.
TRAINEES_PER_ORGANISATION = (14, 12, 16, 8, 4, 6)

WEEKDAYS_AND_SATURDAY = "123456"

FACILITIES = (
    {"name": "Ruang Kelas Garuda", "kind": FacilityKind.CLASSROOM, "capacity": 32},
    {"name": "Ruang Kelas Bhayangkara", "kind": FacilityKind.CLASSROOM, "capacity": 24},
    *(
        {"name": f"Bay Simulator {n}", "kind": FacilityKind.SIMULATOR_BAY, "capacity": 1}
        for n in range(1, 7)
    ),
    {"name": "Skid Pad", "kind": FacilityKind.TRACK, "track_kind": TrackKind.SKID_PAD,
     "capacity": 2},
    {"name": "Braking Zone", "kind": FacilityKind.TRACK, "track_kind": TrackKind.BRAKING_ZONE,
     "capacity": 3},
    {"name": "Lintasan Slalom", "kind": FacilityKind.TRACK, "track_kind": TrackKind.SLALOM,
     "capacity": 3},
    {"name": "Toyota Avanza (B 1701 SJA)", "kind": FacilityKind.VEHICLE,
     "vehicle_kind": VehicleKind.CAR, "registration_number": "B 1701 SJA", "capacity": 4},
    {"name": "Honda Brio (B 1702 SJA)", "kind": FacilityKind.VEHICLE,
     "vehicle_kind": VehicleKind.CAR, "registration_number": "B 1702 SJA", "capacity": 4},
    {"name": "Honda Vario 125 (B 3703 SJB)", "kind": FacilityKind.VEHICLE,
     "vehicle_kind": VehicleKind.MOTORCYCLE, "registration_number": "B 3703 SJB", "capacity": 2},
    {"name": "Hino Dutro 130 MDL (B 9704 SJC)", "kind": FacilityKind.VEHICLE,
     "vehicle_kind": VehicleKind.TRUCK, "registration_number": "B 9704 SJC", "capacity": 3},
)  # fmt: skip
OPENING_HOURS = (time(7, 0), time(17, 0))

# code, titles, category, vehicle, days, hours, capacity, min attendance %, validity months,
# scenario requirements (scenario id as in `isdc-sim list`, vehicle, min score), skills.
COURSES = (
    {
        "code": "DDC",
        "title_id": "Mengemudi Defensif (Mobil)",
        "title_en": "Defensive Driving (Car)",
        "category": CourseCategory.DEFENSIVE_CAR,
        "vehicle_kind": VehicleKind.CAR,
        "duration_days": 2, "duration_hours": 16, "capacity": 16,
        "min_attendance_pct": 100, "certificate_validity_months": 36,
        "scenarios": (("urban_intersection", "car", 70), ("emergency_brake", "car", 70),
                      ("wet_curve", "car", 70)),
        "skills": (
            ("Pemeriksaan kendaraan sebelum berangkat (P2H)", "Pre-drive vehicle check"),
            ("Posisi mengemudi dan pengaturan spion", "Driving position and mirrors"),
            ("Menjaga jarak aman", "Safe following distance"),
            ("Pengereman darurat", "Emergency braking"),
            ("Manuver slalom", "Slalom manoeuvring"),
            ("Pengendalian selip di skid pad", "Skid control on the skid pad"),
        ),
    },
    {
        "code": "SRM",
        "title_id": "Safety Riding Sepeda Motor",
        "title_en": "Motorcycle Safety Riding",
        "category": CourseCategory.SAFETY_RIDING,
        "vehicle_kind": VehicleKind.MOTORCYCLE,
        "duration_days": 1, "duration_hours": 8, "capacity": 20,
        "min_attendance_pct": 100, "certificate_validity_months": 24,
        "scenarios": (("motorcycle_mix", "motorcycle", 70), ("braking_zone", "motorcycle", 70)),
        "skills": (
            ("Perlengkapan keselamatan berkendara", "Protective riding gear"),
            ("Pengereman di braking zone", "Braking in the braking zone"),
            ("Slalom dan keseimbangan", "Slalom and balance"),
            ("Posisi di lajur dan titik buta", "Lane position and blind spots"),
        ),
    },
    {
        "code": "ARM",
        "title_id": "Pengemudi Armada Truk dan Bus",
        "title_en": "Fleet Driver: Truck and Bus",
        "category": CourseCategory.FLEET,
        "vehicle_kind": VehicleKind.TRUCK,
        "duration_days": 3, "duration_hours": 24, "capacity": 12,
        "min_attendance_pct": 90, "certificate_validity_months": 24,
        "scenarios": (("toll_merge", "truck", 70), ("emergency_brake", "truck", 75),
                      ("night_pedestrian", "truck", 70)),
        "skills": (
            ("Pemeriksaan harian kendaraan besar", "Daily check of heavy vehicles"),
            ("Manajemen titik buta", "Blind-spot management"),
            ("Pengereman dengan muatan penuh", "Braking fully laden"),
            ("Manuver mundur dan parkir", "Reversing and parking"),
            ("Mengelola kelelahan pengemudi", "Managing driver fatigue"),
        ),
    },
    {
        "code": "PKS",
        "title_id": "Polisi Cilik dan Patroli Keamanan Sekolah",
        "title_en": "Junior Police and School Safety Patrol",
        "category": CourseCategory.YOUTH,
        "vehicle_kind": None,
        "duration_days": 1, "duration_hours": 6, "capacity": 30,
        "min_attendance_pct": 100, "certificate_validity_months": None,
        "scenarios": (),
        "skills": (
            ("Menyeberangkan pejalan kaki di ZoSS", "Seeing pedestrians across in a school zone"),
            ("Isyarat tangan pengaturan lalu lintas", "Traffic hand signals"),
            ("Mengenali rambu dan marka jalan", "Reading road signs and markings"),
        ),
    },
    {
        "code": "INS",
        "title_id": "Peningkatan Kompetensi Instruktur",
        "title_en": "Instructor Upgrading",
        "category": CourseCategory.INSTRUCTOR_UPGRADE,
        "vehicle_kind": VehicleKind.CAR,
        "duration_days": 5, "duration_hours": 40, "capacity": 10,
        "min_attendance_pct": 100, "certificate_validity_months": 24,
        "scenarios": (("school_zone", "car", 80), ("night_pedestrian", "car", 80),
                      ("wet_curve", "car", 80)),
        "skills": (
            ("Menyampaikan materi kelas", "Classroom teaching"),
            ("Demonstrasi teknik mengemudi", "Demonstrating driving techniques"),
            ("Menilai dengan skala lima tingkat", "Rating on the five-level scale"),
            ("Memberi umpan balik yang membangun", "Giving constructive feedback"),
        ),
    },
)  # fmt: skip

# rank, name, staff number (NRP 8 digits or NIP 18 digits), sex, qualifications
# (category, vehicle, days until expiry or None).
INSTRUCTORS = (
    ("Iptu", "Agus Prasetyo", "85061234", "male",
     ((CourseCategory.DEFENSIVE_CAR, VehicleKind.CAR, 400),
      (CourseCategory.FLEET, VehicleKind.TRUCK, 400),
      (CourseCategory.INSTRUCTOR_UPGRADE, VehicleKind.CAR, 700))),
    ("Aiptu", "Dewi Lestari", "88110457", "female",
     ((CourseCategory.SAFETY_RIDING, VehicleKind.MOTORCYCLE, 500),
      (CourseCategory.YOUTH, None, None))),
    ("Bripka", "Rudi Hartono", "90030781", "male",
     ((CourseCategory.DEFENSIVE_CAR, VehicleKind.CAR, 20),
      (CourseCategory.FLEET, VehicleKind.TRUCK, 300),
      (CourseCategory.FLEET, VehicleKind.BUS, 300))),
    (None, "Hendra Gunawan, S.T.", "198204152008011003", "male",
     ((CourseCategory.DEFENSIVE_CAR, VehicleKind.CAR, 250),
      (CourseCategory.SAFETY_RIDING, VehicleKind.MOTORCYCLE, 250))),
)  # fmt: skip
