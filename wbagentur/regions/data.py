"""Reference data from shared/domain/brief.md § 3 (LRegVO § 1; Eisenach in the
Wartburgkreis since 1 July 2021). The initial migration carries its own copy, so
changing this module never rewrites history; ``flask regions check`` compares them."""

REGIONS = [
    # code, name, is_pilot, employment agency
    ("NT", "Nordthüringen", False, "Agentur für Arbeit Thüringen Nord"),
    ("MT", "Mittelthüringen", False, "Agentur für Arbeit Thüringen Mitte"),
    ("OT", "Ostthüringen", False, "Agentur für Arbeit Thüringen Ost"),
    ("SW", "Südwestthüringen", True, "Agentur für Arbeit Thüringen Südwest"),
]

DISTRICTS = [
    # key, name, kind, region code
    ("16051", "Erfurt", "kreisfreie_stadt", "MT"),
    ("16052", "Gera", "kreisfreie_stadt", "OT"),
    ("16053", "Jena", "kreisfreie_stadt", "OT"),
    ("16054", "Suhl", "kreisfreie_stadt", "SW"),
    ("16055", "Weimar", "kreisfreie_stadt", "MT"),
    ("16061", "Eichsfeld", "landkreis", "NT"),
    ("16062", "Nordhausen", "landkreis", "NT"),
    ("16063", "Wartburgkreis", "landkreis", "SW"),
    ("16064", "Unstrut-Hainich-Kreis", "landkreis", "NT"),
    ("16065", "Kyffhäuserkreis", "landkreis", "NT"),
    ("16066", "Schmalkalden-Meiningen", "landkreis", "SW"),
    ("16067", "Gotha", "landkreis", "MT"),
    ("16068", "Sömmerda", "landkreis", "MT"),
    ("16069", "Hildburghausen", "landkreis", "SW"),
    ("16070", "Ilm-Kreis", "landkreis", "MT"),
    ("16071", "Weimarer Land", "landkreis", "MT"),
    ("16072", "Sonneberg", "landkreis", "SW"),
    ("16073", "Saalfeld-Rudolstadt", "landkreis", "OT"),
    ("16074", "Saale-Holzland-Kreis", "landkreis", "OT"),
    ("16075", "Saale-Orla-Kreis", "landkreis", "OT"),
    ("16076", "Greiz", "landkreis", "OT"),
    ("16077", "Altenburger Land", "landkreis", "OT"),
]

CONTACT_POINTS = [
    # name, city, region code
    ("Weiterbildungsagentur Nordthüringen", "Nordhausen", "NT"),
    ("Weiterbildungsagentur Mittelthüringen", "Erfurt", "MT"),
    ("Weiterbildungsagentur Thüringen Ost", "Gera", "OT"),
    ("Weiterbildungsagentur Südwestthüringen", "Suhl", "SW"),
]
