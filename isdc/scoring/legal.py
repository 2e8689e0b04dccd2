"""The legal basis and good-practice source behind each kind of finding, for reports and docs.

Citations are language-neutral (the law's own numbering); the short title of each rule is in
Indonesian and English. Where no statute sets a figure (following distance, harsh braking), the
finding cites the general duty of UU 22/2009 Pasal 106(1) - drive reasonably and with full
concentration - and the practice the rubric measures it by, so a report never claims a law
that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalBasis:
    citation: str
    title_id: str
    title_en: str
    practice_id: str = ""
    practice_en: str = ""

    def title(self) -> dict[str, str]:
        return {"id": self.title_id, "en": self.title_en}

    def practice(self) -> dict[str, str] | None:
        """The good-practice standard the rubric measures by, where no statute sets a figure."""
        if not self.practice_id:
            return None
        return {"id": self.practice_id, "en": self.practice_en}


_CARE = "UU 22/2009 Pasal 106(1)"

LEGAL_BASIS: dict[str, LegalBasis] = {
    "speeding": LegalBasis(
        "PM 111/2015 Pasal 3; UU 22/2009 Pasal 287(5) jo 106(4)g",
        "Melebihi batas kecepatan",
        "Exceeding the speed limit",
    ),
    "school_zone_speeding": LegalBasis(
        "PM 111/2015 Pasal 3; ZoSS (SK.3582/AJ.403/DRJD/2018); UU 22/2009 Pasal 287(5) jo 106(4)g",
        "Melebihi batas kecepatan di zona sekolah (ZoSS)",
        "Exceeding the school-zone (ZoSS) speed limit",
    ),
    "red_light": LegalBasis(
        "UU 22/2009 Pasal 287(2) jo 106(4)c",
        "Menerobos lampu merah",
        "Running a red light",
    ),
    "amber_light": LegalBasis(
        "UU 22/2009 Pasal 106(4)c",
        "Melintas saat lampu kuning padahal masih dapat berhenti",
        "Crossing on amber when a safe stop was possible",
    ),
    "stop_sign": LegalBasis(
        "UU 22/2009 Pasal 287(1) jo 106(4)a",
        "Tidak berhenti di rambu STOP",
        "Not stopping at a stop sign",
    ),
    "fail_to_yield": LegalBasis(
        "UU 22/2009 Pasal 284 jo 106(2)",
        "Tidak mendahulukan pejalan kaki",
        "Failing to give way to a pedestrian",
    ),
    "off_road": LegalBasis(
        f"{_CARE}; UU 22/2009 Pasal 106(4)b",
        "Keluar dari badan jalan",
        "Leaving the carriageway",
    ),
    "wrong_side": LegalBasis(
        "UU 22/2009 Pasal 108",
        "Berkendara di sisi kanan jalan (wajib lajur kiri)",
        "Driving on the right-hand side (keep left)",
    ),
    "solid_line": LegalBasis(
        "UU 22/2009 Pasal 287(1) jo 106(4)b",
        "Berpindah lajur melewati garis utuh",
        "Changing lane across a solid line",
    ),
    "collision_pedestrian": LegalBasis(
        f"{_CARE}; UU 22/2009 Pasal 106(2)",
        "Menabrak pejalan kaki",
        "Collision with a pedestrian",
    ),
    "collision_vehicle": LegalBasis(
        _CARE,
        "Bertabrakan dengan kendaraan lain",
        "Collision with another vehicle",
    ),
    "collision_static": LegalBasis(
        _CARE,
        "Menabrak benda diam",
        "Collision with a fixed object",
    ),
    "harsh_braking": LegalBasis(
        _CARE,
        "Pengereman mendadak",
        "Harsh braking",
        "praktik telematika armada (ambang g)",
        "fleet telematics practice (g thresholds)",
    ),
    "harsh_accelerating": LegalBasis(
        _CARE,
        "Akselerasi mendadak",
        "Harsh acceleration",
        "praktik telematika armada (ambang g)",
        "fleet telematics practice (g thresholds)",
    ),
    "harsh_cornering": LegalBasis(
        _CARE,
        "Menikung terlalu keras",
        "Harsh cornering",
        "praktik telematika armada (ambang g)",
        "fleet telematics practice (g thresholds)",
    ),
    "grip_limit": LegalBasis(
        _CARE,
        "Mendekati batas cengkeraman ban",
        "Close to the limit of tyre grip",
        "batas gesek ban (lingkaran gesek, μ·g)",
        "tyre friction limit (friction circle, μ·g)",
    ),
    "close_following": LegalBasis(
        _CARE,
        "Jarak terlalu dekat dengan kendaraan di depan",
        "Following too closely",
        "aturan jarak 3 detik (Polri), minimal 2 detik",
        "3-second rule (Polri), at least 2 s",
    ),
    "short_headway": LegalBasis(
        _CARE,
        "Jarak waktu kurang dari aturan",
        "Headway shorter than the rule",
        "aturan jarak 3 detik (Polri), minimal 2 detik",
        "3-second rule (Polri), at least 2 s",
    ),
    "low_ttc": LegalBasis(
        _CARE,
        "Nyaris menabrak kendaraan di depan",
        "Near collision with the vehicle ahead",
        "waktu-menuju-tabrakan (TTC) kritis < 1,5 detik",
        "time to collision (TTC) critical below 1.5 s",
    ),
    "lane_departure": LegalBasis(
        f"{_CARE}; UU 22/2009 Pasal 106(4)b",
        "Keluar lajur",
        "Lane departure",
    ),
    "slow_reaction": LegalBasis(
        _CARE,
        "Reaksi pengereman lambat terhadap bahaya",
        "Slow braking reaction to a hazard",
    ),
    "missed_hazard": LegalBasis(
        _CARE,
        "Tidak bereaksi terhadap bahaya",
        "No reaction to a hazard",
    ),
    "jerky_driving": LegalBasis(
        _CARE,
        "Gas dan rem tidak halus",
        "Jerky throttle and brake",
        "kehalusan: sentakan (jerk) rendah",
        "smoothness: low jerk",
    ),
    "weaving": LegalBasis(
        _CARE,
        "Kemudi tidak stabil (banyak koreksi)",
        "Unsteady steering (many corrections)",
        "kendali kemudi: sedikit koreksi",
        "steering control: few corrections",
    ),
    "timeout": LegalBasis(
        "ISDC: factors.timeout",
        "Waktu skenario habis",
        "Scenario time ran out",
    ),
    "incomplete": LegalBasis(
        "ISDC: pass.min_route_completion",
        "Rute tidak diselesaikan",
        "Route not completed",
    ),
}
