namespace EuCyberNet.Demo;

/// <summary>Who the demo's experts are: the 27 Member States, with names, languages and organisations of each.</summary>
internal sealed record MemberState(string Code, string Language, string[] FirstNames, string[] LastNames, string[] Organisations, string Domain, int Weight);

internal static class MemberStates
{
    public static readonly MemberState[] All =
    [
        new("AT", "de", ["Lukas", "Anna", "Florian", "Katharina", "Stefan"], ["Gruber", "Huber", "Wagner", "Pichler", "Steiner"], ["CERT.at", "Austrian Institute of Technology", "Federal Chancellery of Austria"], "cert.at", 3),
        new("BE", "fr", ["Lucas", "Emma", "Thomas", "Louise", "Pieter"], ["Peeters", "Janssens", "Dubois", "Maes", "Lambert"], ["Centre for Cybersecurity Belgium", "KU Leuven COSIC", "Enabel"], "ccb.belgium.be", 4),
        new("BG", "bg", ["Georgi", "Maria", "Ivan", "Elena", "Dimitar"], ["Ivanov", "Petrova", "Georgiev", "Dimitrova", "Nikolov"], ["CERT Bulgaria", "Sofia University", "Ministry of e-Government"], "govcert.bg", 2),
        new("HR", "hr", ["Ivan", "Ana", "Marko", "Petra", "Luka"], ["Horvat", "Kovačević", "Babić", "Marić", "Jurić"], ["CERT.hr", "University of Zagreb FER", "Security and Intelligence Agency"], "cert.hr", 2),
        new("CY", "el", ["Andreas", "Maria", "Christos", "Eleni", "Nikos"], ["Georgiou", "Constantinou", "Christodoulou", "Ioannou", "Charalambous"], ["CSIRT-CY", "Digital Security Authority", "University of Cyprus"], "csirt.cy", 1),
        new("CZ", "cs", ["Jan", "Tereza", "Petr", "Lucie", "Tomáš"], ["Novák", "Svobodová", "Dvořák", "Černá", "Procházka"], ["NÚKIB", "CZ.NIC CSIRT.CZ", "Masaryk University"], "nukib.cz", 4),
        new("DK", "da", ["Mads", "Sofie", "Rasmus", "Ida", "Frederik"], ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen"], ["CFCS", "Danish Agency for Digital Government", "DTU Compute"], "cfcs.dk", 2),
        new("EE", "et", ["Martin", "Kadri", "Rasmus", "Liis", "Andres"], ["Tamm", "Saar", "Sepp", "Mägi", "Kask"], ["RIA (Information System Authority)", "e-Governance Academy", "CR14", "TalTech"], "ria.ee", 6),
        new("FI", "fi", ["Mikko", "Laura", "Juha", "Aino", "Ville"], ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Lehtonen"], ["NCSC-FI (Traficom)", "University of Jyväskylä", "Finnish Defence Forces"], "traficom.fi", 4),
        new("FR", "fr", ["Camille", "Julien", "Claire", "Nicolas", "Sophie"], ["Martin", "Bernard", "Dubois", "Lefebvre", "Moreau"], ["ANSSI", "Expertise France", "Gendarmerie nationale (ComCyberGend)", "CIVIPOL"], "ssi.gouv.fr", 10),
        new("DE", "de", ["Jonas", "Lena", "Maximilian", "Sarah", "Tobias"], ["Müller", "Schmidt", "Schneider", "Fischer", "Weber"], ["BSI", "GIZ", "Fraunhofer FKIE", "Bundeskriminalamt"], "bsi.bund.de", 12),
        new("GR", "el", ["Giorgos", "Katerina", "Dimitris", "Sofia", "Kostas"], ["Papadopoulos", "Papadaki", "Nikolaidis", "Vlachou", "Oikonomou"], ["National Cyber Security Authority", "FORTH", "Hellenic Police Cyber Crime Division"], "cyber.gov.gr", 4),
        new("HU", "hu", ["Bence", "Eszter", "Gábor", "Réka", "Balázs"], ["Nagy", "Kovács", "Tóth", "Szabó", "Horváth"], ["National Cyber Security Center", "BME CrySyS Lab", "Ministry of Interior"], "nki.gov.hu", 3),
        new("IE", "en", ["Seán", "Aoife", "Ciarán", "Niamh", "Conor"], ["Murphy", "Kelly", "O'Brien", "Byrne", "Walsh"], ["NCSC Ireland", "University College Dublin", "An Garda Síochána"], "ncsc.gov.ie", 3),
        new("IT", "it", ["Marco", "Giulia", "Alessandro", "Chiara", "Luca"], ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi"], ["ACN (Agenzia per la Cybersicurezza Nazionale)", "CINI Cybersecurity Lab", "Polizia Postale"], "acn.gov.it", 9),
        new("LV", "lv", ["Jānis", "Anna", "Mārtiņš", "Laura", "Kristaps"], ["Bērziņš", "Kalniņa", "Ozols", "Liepiņa", "Krūmiņš"], ["CERT.LV", "Riga Technical University", "Ministry of Defence"], "cert.lv", 3),
        new("LT", "lt", ["Mantas", "Eglė", "Tomas", "Rūta", "Lukas"], ["Kazlauskas", "Jankauskaitė", "Petrauskas", "Stankevičiūtė", "Vasiliauskas"], ["NKSC", "Kaunas University of Technology", "Regional Cyber Defence Centre"], "nksc.lt", 4),
        new("LU", "fr", ["Luc", "Marie", "Tom", "Lea", "Max"], ["Schmit", "Muller", "Weber", "Wagner", "Hoffmann"], ["CIRCL", "GovCERT.LU", "University of Luxembourg SnT"], "circl.lu", 2),
        new("MT", "en", ["Matthew", "Maria", "Luke", "Rebecca", "Daniel"], ["Borg", "Camilleri", "Vella", "Farrugia", "Zammit"], ["CSIRTMalta", "MITA", "University of Malta"], "csirtmalta.org", 1),
        new("NL", "nl", ["Daan", "Sanne", "Bram", "Femke", "Joost"], ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker"], ["NCSC-NL", "TNO", "Dutch National Police (THTC)", "Ministry of Foreign Affairs"], "ncsc.nl", 7),
        new("PL", "pl", ["Piotr", "Anna", "Krzysztof", "Katarzyna", "Michał"], ["Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamiński"], ["NASK / CERT Polska", "Cyberspace Defence Forces", "Warsaw University of Technology"], "cert.pl", 7),
        new("PT", "pt", ["João", "Inês", "Tiago", "Beatriz", "Rui"], ["Silva", "Santos", "Ferreira", "Pereira", "Costa"], ["CNCS (Centro Nacional de Cibersegurança)", "INESC TEC", "Polícia Judiciária"], "cncs.gov.pt", 4),
        new("RO", "ro", ["Andrei", "Ioana", "Mihai", "Elena", "Alexandru"], ["Popescu", "Ionescu", "Popa", "Stan", "Dumitru"], ["DNSC (National Cyber Security Directorate)", "Politehnica University of Bucharest", "SRI CYBERINT"], "dnsc.ro", 5),
        new("SK", "sk", ["Martin", "Zuzana", "Peter", "Lucia", "Marek"], ["Horváth", "Kováčová", "Varga", "Tóthová", "Baláž"], ["SK-CERT (NBÚ)", "Slovak University of Technology", "CSIRT.SK"], "sk-cert.sk", 2),
        new("SI", "sl", ["Luka", "Nina", "Matej", "Eva", "Jan"], ["Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič"], ["SI-CERT", "URSIV (Government Information Security Office)", "Jožef Stefan Institute"], "cert.si", 2),
        new("ES", "es", ["Javier", "Lucía", "Carlos", "Marta", "Pablo"], ["García", "Fernández", "López", "Martínez", "Sánchez"], ["INCIBE", "CCN-CERT", "FIIAPP", "Guardia Civil"], "incibe.es", 9),
        new("SE", "sv", ["Erik", "Elin", "Oskar", "Maja", "Johan"], ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson"], ["MSB / CERT-SE", "Swedish Police Authority", "KTH Royal Institute of Technology"], "cert.se", 5),
    ];
}
