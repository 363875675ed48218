"""Seed parameter sets for all programmes (values and confidence from funding-rules.md).

``verified=False`` marks every value that funding-rules.md tags [L] / UNVERIFIED.
Money parameters are in euros (suffix ``_eur``), rates are fractions (0.75), periods carry
their unit in the name.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from .params import Param, ParameterCatalogue, ParameterSet

__all__ = ["DEFAULT_CATALOGUE", "DEFAULT_PARAMETER_SETS"]

P = Param
GII = "https://www.gesetze-im-internet.de"
URL_82 = f"{GII}/sgb_3/__82.html"
URL_82A = f"{GII}/sgb_3/__82a.html"
URL_81 = f"{GII}/sgb_3/__81.html"
URL_AFBG = f"{GII}/afbg/"
URL_ESF = (
    "https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/Land/Thueringen/"
    "fachkraefte-weiterbildungsrichtlinie.html"
)

_WEIGHTS = P([[10, 0.25], [20, 0.5], [30, 0.75], [None, 1.0]], True, "§ 82 Abs. 6 SGB III")
_STAFF_COUNT = P(
    "as_listed",
    False,
    "§ 82 Abs. 6 SGB III",
    "Zählung von Auszubildenden und Minijobbern ungeklärt (BA-Weisungen nicht geprüft); gezählt "
    "wird, was angegeben ist.",
)
_SV = P(
    0.20,
    False,
    "§ 82 Abs. 3 S. 2–3 SGB III",
    "20 % SV-Pauschale wie beim Eingliederungszuschuss (§ 91) – ungeprüft.",
)
_UNIT = P(
    "as_stated",
    False,
    "§ 82 Abs. 1 Nr. 4 SGB III",
    "Ob „Stunden“ Zeitstunden oder UStd sind, ist nicht geregelt.",
)

_KUG_FROM = P(
    "2021-01-01",
    False,
    "§ 82 Abs. 7 SGB III a. F.",
    "Beginn des Ausschlusses während Kurzarbeit ungeprüft (Weiterbildung während Kurzarbeit "
    "1.1.2021–31.7.2024 eigens geregelt).",
)
_KUG_UNTIL = P("2024-07-31", True, "§ 82 Abs. 7 SGB III a. F. (bis 31.07.2024)")

SGB3_82_2019 = ParameterSet(
    programme="sgb3_82",
    version="sgb3_82@2019-01-01.2",
    valid_from=date(2019, 1, 1),
    valid_to=date(2024, 3, 31),
    source="§ 82 SGB III i. d. F. des Qualifizierungschancengesetzes (BGBl. 2018 I 2651) und des "
    "Arbeit-von-morgen-Gesetzes (BGBl. 2020 I 1044)",
    source_url=URL_82,
    params={
        "regime": P("2019"),
        "min_hours_exclusive": P(120, True, "§ 82 Abs. 1 Nr. 4 SGB III i. d. F. ab 29.05.2020"),
        "min_hours_exclusive_before": P(
            {"until": "2020-05-28", "value": 160}, True, "§ 82 Abs. 1 Nr. 4 SGB III a. F."
        ),
        "hours_unit_rule": _UNIT,
        "waiting_years_since_qualification": P(4, True, "§ 82 Abs. 1 Nr. 2 SGB III a. F."),
        "waiting_years_since_last_funding": P(4, True, "§ 82 Abs. 1 Nr. 3 SGB III a. F."),
        "requires_structural_change": P(
            True, True, "§ 82 Abs. 1 S. 1 SGB III a. F. (Strukturwandel oder Engpassberuf)"
        ),
        "structural_waiver_from": P("2021-01-01", True, "§ 82 Abs. 1 S. 2 SGB III a. F."),
        "structural_waiver_firm_below": P(250, True, "§ 82 Abs. 1 S. 2 SGB III a. F."),
        "bands": P(
            [
                {"max_exclusive": 10, "employer_lk_share": 0.0, "aez_rate": 1.0},
                {"max_exclusive": 250, "employer_lk_share": 0.5, "aez_rate": 0.5},
                {"max_inclusive": 2500, "employer_lk_share": 0.75, "aez_rate": 0.25},
                {"employer_lk_share": 0.85, "aez_rate": 0.25},
            ],
            False,
            "§ 82 Abs. 2, 3 SGB III a. F.",
            "Bandgrenzen und Sätze 2019–2024 ungeprüft ([L]).",
        ),
        "aez_up_to": P(True, True, "§ 82 Abs. 3 SGB III a. F. („bis zu“)"),
        "employer_share_waiver_firm_below": P(
            250, False, "§ 82 Abs. 2 SGB III a. F.", "45+/schwerbehindert, < 250 – ungeprüft."
        ),
        "employer_share_waiver_age": P(45, False, "§ 82 Abs. 2 SGB III a. F."),
        "agreement_bonus_pp": P(0.05, True, "§ 82 Abs. 5 SGB III a. F. (ab 01.10.2020)"),
        "structural_bonus_pp": P(0.10, True, "§ 82 Abs. 4 SGB III a. F. (ab 01.10.2020)"),
        "bonus_from": P("2020-10-01", True, "Arbeit-von-morgen-Gesetz"),
        "structural_share_threshold": P(0.20, True, "§ 82 Abs. 4 SGB III a. F."),
        "structural_share_threshold_sme": P(
            0.10, True, "§ 82 Abs. 4 SGB III a. F. (10 bis < 250 Beschäftigte)"
        ),
        "no_qualification_aez_rate": P(1.0, False, "§ 82 Abs. 3 SGB III a. F."),
        "sv_flat_rate": _SV,
        "size_weights": _WEIGHTS,
        "staff_counting": _STAFF_COUNT,
        "proof_months_after_end": P(3, True, "§ 82 Abs. 5 SGB III"),
        "short_time_work_exclusion_from": _KUG_FROM,
        "short_time_work_exclusion_until": _KUG_UNTIL,
    },
)

SGB3_82_2024 = ParameterSet(
    programme="sgb3_82",
    version="sgb3_82@2024-04-01.2",
    valid_from=date(2024, 4, 1),
    valid_to=None,
    source="§ 82 SGB III i. d. F. des Gesetzes zur Stärkung der Aus- und Weiterbildungsförderung "
    "(BGBl. 2023 I Nr. 191)",
    source_url=URL_82,
    params={
        "regime": P("2024"),
        "min_hours_exclusive": P(120, True, "§ 82 Abs. 1 Nr. 4 SGB III"),
        "hours_unit_rule": _UNIT,
        "waiting_years_since_qualification": P(
            2, True, "§ 82 Abs. 1 Nr. 2 SGB III („in der Regel“)"
        ),
        "waiting_years_since_last_funding": P(2, True, "§ 82 Abs. 1 Nr. 3 SGB III"),
        "requires_structural_change": P(
            False, True, "Strukturwandel-Bezug seit 01.04.2024 entfallen"
        ),
        "bands": P(
            [
                {"max_exclusive": 50, "employer_lk_share": 0.0, "aez_rate": 0.75},
                {"max_exclusive": 500, "employer_lk_share": 0.5, "aez_rate": 0.5},
                {"employer_lk_share": 0.75, "aez_rate": 0.25},
            ],
            True,
            "§ 82 Abs. 2, Abs. 3 S. 4 SGB III",
        ),
        "aez_up_to": P(False, True, "§ 82 Abs. 3 S. 4 SGB III („in Höhe von“)"),
        "employer_share_waiver_firm_below": P(500, True, "§ 82 Abs. 2 S. 4 SGB III"),
        "employer_share_waiver_age": P(45, True, "§ 82 Abs. 2 S. 4 SGB III"),
        "agreement_bonus_pp": P(0.05, True, "§ 82 Abs. 4 SGB III"),
        "structural_bonus_pp": P(0.0, True, "Strukturwandel-Zuschlag seit 01.04.2024 entfallen"),
        "no_qualification_aez_rate": P(1.0, True, "§ 82 Abs. 3 S. 2 SGB III („bis zu“)"),
        "sv_flat_rate": _SV,
        "size_weights": _WEIGHTS,
        "staff_counting": _STAFF_COUNT,
        "proof_months_after_end": P(3, True, "§ 82 Abs. 5 SGB III"),
        "short_time_work_exclusion_from": _KUG_FROM,
        "short_time_work_exclusion_until": _KUG_UNTIL,
    },
)

SGB3_82A_2024 = ParameterSet(
    programme="sgb3_82a",
    version="sgb3_82a@2024-04-01.2",
    valid_from=date(2024, 4, 1),
    valid_to=None,
    source="§§ 82a–82c SGB III (BGBl. 2023 I Nr. 191)",
    source_url=URL_82A,
    params={
        "rate": P(0.60, True, "§ 82b SGB III"),
        "rate_with_child": P(0.67, True, "§ 82b SGB III"),
        "share_threshold": P(0.20, True, "§ 82a Abs. 2 S. 1 Nr. 1 SGB III"),
        "share_threshold_small": P(0.10, True, "§ 82a Abs. 2 S. 1 Nr. 1 SGB III"),
        "small_firm_below": P(250, True, "§ 82a Abs. 2 S. 1 Nr. 1 SGB III"),
        "declaration_firm_below": P(10, True, "§ 82a Abs. 2 S. 1 Nr. 3 SGB III"),
        "min_hours_exclusive": P(120, True, "§ 82a Abs. 1 Nr. 5 SGB III"),
        "hours_unit_rule": _UNIT,
        "waiting_years_since_last_82a": P(4, True, "§ 82a Abs. 4 S. 1 Nr. 2 SGB III"),
        "afbg_stage1_start_before": P("2028-04-01", True, "§ 22 Abs. 1a S. 2 SGB III"),
    },
)

SGB3_81_2023 = ParameterSet(
    programme="sgb3_81",
    version="sgb3_81@2023-07-01.2",
    valid_from=date(2023, 7, 1),
    valid_to=None,
    source="§§ 81, 87a SGB III",
    source_url=URL_81,
    params={
        "premium_intermediate_eur": P(1000, True, "§ 87a Abs. 1 SGB III"),
        "premium_final_eur": P(1500, True, "§ 87a Abs. 1 SGB III"),
        "weiterbildungsgeld_monthly_eur": P(150, True, "§ 87a Abs. 2, 3 SGB III"),
        "weiterbildungsgeld_requires_vocational_goal": P(True, True, "§ 87a Abs. 2 SGB III"),
        "min_years_of_work": P(3, True, "§ 81 Abs. 2 S. 2 SGB III"),
        "accommodation_day_eur": P(60, True, "§ 86 SGB III"),
        "accommodation_month_cap_eur": P(420, True, "§ 86 SGB III"),
        "meals_day_eur": P(24, True, "§ 86 SGB III"),
        "meals_month_cap_eur": P(168, True, "§ 86 SGB III"),
        "childcare_monthly_eur": P(160, True, "§ 87 SGB III"),
        "childcare_child_age_below": P(
            15,
            False,
            "§ 87 SGB III („aufsichtsbedürftige Kinder“)",
            "Altersgrenze der Aufsichtsbedürftigkeit (unter 15 Jahren) ungeprüft.",
        ),
    },
)

BAFOEG_TEXT = (
    "Wert aus dem konsolidierten BAföG-Text (gesetze-im-internet.de, Stand 16.04.2026); in der "
    "Referenz nicht beziffert – ungeprüft."
)
BAFOEG_OLD = (
    "Wert der Fassung vom 01.08.2022 bis 31.07.2024 (27. BAföG-Änderungsgesetz); vor dem "
    "01.08.2022 galten niedrigere Beträge – ungeprüft."
)
_MEANS = {
    "max_funding_months_full_time": P(24, True, "§ 11 Abs. 1 AFBG"),
    "asset_allowance_eur": P(45000, True, "§ 17a Abs. 1 Nr. 1 AFBG"),
    "asset_allowance_partner_eur": P(2300, True, "§ 17a Abs. 1 Nr. 2 AFBG"),
    "asset_allowance_child_eur": P(2300, True, "§ 17a Abs. 1 Nr. 3 AFBG"),
    "partner_income_free_share": P(0.5, True, "§ 17 AFBG i. V. m. § 25 Abs. 4 Nr. 1 BAföG"),
    "partner_income_free_share_per_child": P(
        0.05, True, "§ 17 AFBG i. V. m. § 25 Abs. 4 Nr. 2 BAföG"
    ),
}
#: Income allowances (§ 17 AFBG with §§ 23, 25 BAföG) before and from 01.08.2024.
_INCOME_OLD = {
    "income_allowance_monthly_eur": P(
        330, False, "§ 17 AFBG i. V. m. § 23 Abs. 1 S. 1 Nr. 1 BAföG a. F.", BAFOEG_OLD
    ),
    "income_allowance_partner_monthly_eur": P(
        805, False, "§ 17 AFBG i. V. m. § 23 Abs. 1 S. 1 Nr. 2 BAföG a. F.", BAFOEG_OLD
    ),
    "income_allowance_child_monthly_eur": P(
        730, False, "§ 17 AFBG i. V. m. § 23 Abs. 1 S. 1 Nr. 3 BAföG a. F.", BAFOEG_OLD
    ),
    "partner_income_allowance_monthly_eur": P(
        1605, False, "§ 17 AFBG i. V. m. § 25 Abs. 1 Nr. 2 BAföG a. F.", BAFOEG_OLD
    ),
    "partner_income_allowance_child_monthly_eur": P(
        730, False, "§ 17 AFBG i. V. m. § 25 Abs. 3 Nr. 2 BAföG a. F.", BAFOEG_OLD
    ),
}
_INCOME_2024 = {
    "income_allowance_monthly_eur": P(
        353,
        False,
        "§ 17 AFBG i. V. m. § 23 Abs. 1 S. 1 Nr. 1 BAföG",
        BAFOEG_TEXT + " Der Betrag folgt nach § 23 Abs. 6 BAföG der Minijob-Grenze "
        "(Bekanntmachung zum 1. Januar).",
    ),
    "income_allowance_partner_monthly_eur": P(
        850, False, "§ 17 AFBG i. V. m. § 23 Abs. 1 S. 1 Nr. 2 BAföG", BAFOEG_TEXT
    ),
    "income_allowance_child_monthly_eur": P(
        770, False, "§ 17 AFBG i. V. m. § 23 Abs. 1 S. 1 Nr. 3 BAföG", BAFOEG_TEXT
    ),
    "partner_income_allowance_monthly_eur": P(
        1690, False, "§ 17 AFBG i. V. m. § 25 Abs. 1 Nr. 2 BAföG", BAFOEG_TEXT
    ),
    "partner_income_allowance_child_monthly_eur": P(
        770, False, "§ 17 AFBG i. V. m. § 25 Abs. 3 Nr. 2 BAföG", BAFOEG_TEXT
    ),
}
_OLD_NEED = "Bedarfssätze vor dem 01.08.2024 nicht hinterlegt (hier die ab 01.08.2024) – ungeprüft."

AFBG_2020 = ParameterSet(
    programme="afbg",
    version="afbg@2020-08-01.3",
    valid_from=date(2020, 8, 1),
    valid_to=date(2024, 7, 31),
    source="Aufstiegsfortbildungsförderungsgesetz (AFBG), zuletzt geändert durch "
    "Art. 15 G v. 17.7.2023 I Nr. 191",
    source_url=URL_AFBG,
    params={
        "min_lessons": P(400, True, "§ 2 Abs. 3 AFBG"),
        "min_lessons_stage1_part_time": P(200, True, "§ 2 Abs. 4 AFBG"),
        "full_time_max_months": P(36, True, "§ 2 Abs. 3 Nr. 1 AFBG"),
        "full_time_min_lessons_per_week": P(25, True, "§ 2 Abs. 3 Nr. 1 AFBG"),
        "part_time_max_months": P(48, True, "§ 2 Abs. 3 Nr. 2 AFBG"),
        "part_time_max_months_stage1": P(36, True, "§ 2 Abs. 3 Nr. 2 AFBG"),
        "part_time_min_lessons_per_month": P(18, True, "§ 2 Abs. 3 Nr. 2 AFBG"),
        "excluded_prior_qualifications": P(["master", "doctorate"], True, "§ 9 AFBG"),
        "cost_cap_eur": P(15000, True, "§ 12 Abs. 1 S. 1 Nr. 1 AFBG"),
        "grant_rate": P(0.5, True, "§ 12 Abs. 1 S. 2 AFBG"),
        "meisterstueck_material_share": P(0.5, True, "§ 12 Abs. 1 S. 1 Nr. 2 AFBG"),
        "meisterstueck_cap_eur": P(2000, True, "§ 12 Abs. 1 S. 1 Nr. 2 AFBG"),
        "meisterstueck_grant_rate": P(0.5, True, "§ 12 Abs. 1 S. 2 AFBG"),
        "remission_rate": P(0.5, True, "§ 13b Abs. 1 AFBG"),
        "need_basic_eur": P(442, False, "§ 13 Abs. 1 Nr. 1 BAföG a. F.", _OLD_NEED),
        "need_housing_eur": P(380, False, "§ 13 Abs. 2 Nr. 2 BAföG a. F.", _OLD_NEED),
        "need_kv_eur": P(102, False, "§ 13a BAföG a. F.", _OLD_NEED),
        "need_pv_eur": P(35, False, "§ 13a BAföG a. F.", _OLD_NEED),
        "need_participant_extra_eur": P(60, True, "§ 10 Abs. 2 AFBG"),
        "need_partner_eur": P(235, True, "§ 10 Abs. 2 AFBG"),
        "need_child_eur": P(235, True, "§ 10 Abs. 2 AFBG"),
        "bafoeg_amounts_valid_from": P(
            "2024-08-01",
            False,
            "BAföG § 13 Stand 25.07.2024",
            "Beträge vor diesem Datum abweichend.",
        ),
        "childcare_monthly_eur": P(150, True, "§ 10 Abs. 3 AFBG"),
        "childcare_child_age_below": P(14, True, "§ 10 Abs. 3 AFBG"),
        **_MEANS,
        **_INCOME_OLD,
    },
)

#: From 1.8.2024 (29. BAföG-Änderungsgesetz): the BAföG amounts of 25.07.2024 [S7][H].
AFBG_2024 = dataclasses.replace(
    AFBG_2020,
    version="afbg@2024-08-01.2",
    valid_from=date(2024, 8, 1),
    valid_to=None,
    params={
        **AFBG_2020.params,
        "need_basic_eur": P(442, True, "§ 10 Abs. 2 AFBG i. V. m. § 13 Abs. 1 Nr. 1 BAföG"),
        "need_housing_eur": P(380, True, "§ 10 Abs. 2 AFBG i. V. m. § 13 Abs. 2 Nr. 2 BAföG"),
        "need_kv_eur": P(102, True, "§ 13a BAföG", "Gruppe nach § 13a Abs. 1 BAföG [M]"),
        "need_pv_eur": P(35, True, "§ 13a BAföG", "Gruppe nach § 13a Abs. 1 BAföG [M]"),
        "bafoeg_amounts_valid_from": P("2024-08-01", True, "BAföG § 13 Stand 25.07.2024"),
        **_INCOME_2024,
    },
)

THUERBFG_2016 = ParameterSet(
    programme="thuerbfg",
    version="thuerbfg@2016-01-01.2",
    valid_from=date(2016, 1, 1),
    valid_to=None,
    source="Thüringer Bildungsfreistellungsgesetz (ThürBfG) vom 15.07.2015 (GVBl. S. 114); "
    "ThürBfVO vom 12.07.2016",
    source_url=None,
    params={
        "days_per_year": P(5, True, "§ 3 Abs. 1 ThürBfG"),
        "base_working_days": P(5, True, "§ 3 Abs. 1 ThürBfG"),
        "apprentice_days": P(3, True, "§ 3 ThürBfG"),
        "apprentice_days_outside_school_only": P(
            None,
            False,
            "§ 3 ThürBfG",
            "Ob die Tage für Auszubildende nur außerhalb der Berufsschulzeit gelten, ist "
            "ungeprüft (mehrere Sekundärquellen sagen ja).",
        ),
        "days_rounding": P(
            "half_up",
            False,
            "§ 3 Abs. 1 ThürBfG",
            "Rundung anteiliger Tage (wie § 5 Abs. 2 BUrlG) ungeprüft.",
        ),
        "waiting_months": P(6, True, "§ 3 ThürBfG"),
        "min_firm_size": P(5, True, "§ 3 Abs. 6 S. 1 ThürBfG"),
        "firm_size_counting": P(
            "persons",
            False,
            "§ 3 Abs. 6 ThürBfG",
            "Teilzeit-Gewichtung ungeprüft; gezählt werden Köpfe.",
        ),
        "recognition_authority": P(
            "Thüringer Ministerium für Bildung, Wissenschaft und Kultur (TMBWK)",
            False,
            "§ 9 ThürBfG",
            "Seit 12/2024 vermutlich TMBWK (vorher TMBJS) – ungeprüft.",
        ),
        "notice_days": P(56, True, "§ 6 Abs. 1 ThürBfG"),
        "employer_answer_days": P(28, True, "§ 6 ThürBfG"),
        "quota_small_max": P(25, True, "§ 6 Abs. 3 ThürBfG"),
        "quota_small_days": P(5, True, "§ 6 Abs. 3 ThürBfG"),
        "quota_medium_max": P(50, True, "§ 6 Abs. 3 ThürBfG"),
        "quota_medium_factor": P(0.5, True, "§ 6 Abs. 3 ThürBfG"),
        "quota_large_factor": P(1.0, True, "§ 6 Abs. 3 ThürBfG"),
    },
)

ESF_WBS_2022 = ParameterSet(
    programme="esf_weiterbildungsscheck",
    version="esf_weiterbildungsscheck@2022-06-20",
    valid_from=date(2022, 6, 20),
    valid_to=None,
    source="Fachkräfte- und Weiterbildungsrichtlinie vom 20.06.2022 (ESF Plus Thüringen), "
    "Teil Weiterbildungsscheck",
    source_url=URL_ESF,
    params={
        "cap_eur": P(1000, True, "Fachkräfte- und Weiterbildungsrichtlinie"),
        "rate": P(
            0.5,
            False,
            "Fachkräfte- und Weiterbildungsrichtlinie",
            "Prozentsatz nicht gefunden; 50 % wie 2012–2021.",
        ),
        "income_limit_eur": P(55000, True, "Fachkräfte- und Weiterbildungsrichtlinie"),
        "income_limit_joint_eur": P(110000, True, "Fachkräfte- und Weiterbildungsrichtlinie"),
        "public_sector_excluded": P(
            True,
            False,
            "Fachkräfte- und Weiterbildungsrichtlinie",
            "Nur in älteren Fassungen belegt.",
        ),
        "apprentices_included": P(
            None,
            False,
            "Fachkräfte- und Weiterbildungsrichtlinie",
            "Für Auszubildende nicht geklärt.",
        ),
    },
)

ESF_AQ_2022 = ParameterSet(
    programme="esf_anpassungsqualifizierung",
    version="esf_anpassungsqualifizierung@2022-06-20.2",
    valid_from=date(2022, 6, 20),
    valid_to=None,
    source="Fachkräfte- und Weiterbildungsrichtlinie vom 20.06.2022 (ESF Plus Thüringen), "
    "Teil Anpassungsqualifizierung",
    source_url=URL_ESF,
    params={
        "rate": P(0.5, True, "Fachkräfte- und Weiterbildungsrichtlinie („bis zu 50 %“)"),
        "rate_by_sme_class": P(
            {"micro": 0.5, "small": 0.5, "medium": 0.5, "large": 0.5},
            False,
            "Fachkräfte- und Weiterbildungsrichtlinie i. V. m. Art. 31 AGVO",
            "Ob der Satz nach KMU-Klasse (Empfehlung 2003/361/EG) gestaffelt ist, ist ungeprüft; "
            "Art. 31 AGVO erlaubt 50 % + 10 Prozentpunkte (mittlere) bzw. + 20 Prozentpunkte "
            "(kleine Unternehmen), höchstens 70 %.",
        ),
        "wage_unit_cost_eur_per_hour": P(
            None,
            False,
            "Fachkräfte- und Weiterbildungsrichtlinie (Standardeinheitskosten)",
            "Standardeinheitskosten je Teilnehmerstunde nicht gefunden; ohne Wert zählen die "
            "angegebenen Personalausgaben (course.eligible_wage_eur).",
        ),
        "lead_days": P(
            42, True, "Fachkräfte- und Weiterbildungsrichtlinie (6 Wochen vor Projektbeginn)"
        ),
    },
)

#: The seed parameter sets (one tuple of frozen dataclasses; ``ps.to_dict()`` gives the JSON form).
DEFAULT_PARAMETER_SETS: tuple[ParameterSet, ...] = (
    ESF_WBS_2022,
    ESF_AQ_2022,
    SGB3_82_2019,
    SGB3_82_2024,
    SGB3_82A_2024,
    AFBG_2020,
    AFBG_2024,
    THUERBFG_2016,
    SGB3_81_2023,
)

DEFAULT_CATALOGUE = ParameterCatalogue(DEFAULT_PARAMETER_SETS)
