"""A complete, valid firm form submission for view tests."""

VALID = {
    "name": "Köhler Präzisionsteile GmbH",
    "legal_form": "GmbH",
    "register_number": "HRB 12345",
    "wz_code": "25",
    "street": "Hauptstraße 1",
    "postcode": "98527",
    "city": "Suhl",
    "district_key": "16054",
    "email": "info@koehler-praezision.example",
    "phone": "03681 1234",
    "staff_over_30h": "8",
    "staff_up_to_30h": "4",
    "staff_up_to_20h": "0",
    "staff_up_to_10h": "2",
    "group_headcount": "",
    "turnover": "1.500.000",
    "balance_sheet": "",
    "has_works_council": "y",
    "seat_in_thuringia": "y",
}


def firm_form(**changes):
    data = dict(VALID)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
