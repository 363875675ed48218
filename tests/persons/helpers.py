"""A complete, valid person form submission for view tests (see the ``pform`` fixture)."""

VALID = {
    "first_name": "Anna",
    "last_name": "Müller",
    "email": "anna.mueller@example.org",
    "phone": "03681 555",
    "birth_date": "1985-04-12",
    "gender": "weiblich",
    "employment_status": "employed",
    "employer_id": "0",
    "weekly_hours": "38,5",
    "working_days_per_week": "5",
    "employed_since": "2010-08-01",
    "qualification": "vocational",
    "qualification_year": "2004",
    "isced_level": "isced_3_4",
    "severely_disabled": "",
}


def person_form(residence_district_id, **changes):
    data = dict(VALID, residence_district_id=str(residence_district_id))
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
