"""Vocabulary of places, as (Arabic, French) pairs: the regions, provinces and prefectures, the
towns and the rural communes' names."""

from __future__ import annotations

# --- vocabulary: (Arabic, French) pairs ----------------------------------------------------------

# The 12 regions, as in consultations/fixtures/regions.json, with their seat.
REGIONS = [
    ("tanger-tetouan-al-hoceima", "TTA", "جهة طنجة تطوان الحسيمة",
     "Région Tanger-Tétouan-Al Hoceima", ("تطوان", "Tétouan")),
    ("oriental", "ORI", "جهة الشرق", "Région de l'Oriental", ("وجدة", "Oujda")),
    ("fes-meknes", "FES", "جهة فاس مكناس", "Région Fès-Meknès", ("فاس", "Fès")),
    ("rabat-sale-kenitra", "RSK", "جهة الرباط سلا القنيطرة", "Région Rabat-Salé-Kénitra",
     ("الرباط", "Rabat")),
    ("beni-mellal-khenifra", "BMK", "جهة بني ملال خنيفرة", "Région Béni Mellal-Khénifra",
     ("بني ملال", "Béni Mellal")),
    ("casablanca-settat", "CAS", "جهة الدار البيضاء سطات", "Région Casablanca-Settat",
     ("الدار البيضاء", "Casablanca")),
    ("marrakech-safi", "MAS", "جهة مراكش آسفي", "Région Marrakech-Safi", ("مراكش", "Marrakech")),
    ("draa-tafilalet", "DRT", "جهة درعة تافيلالت", "Région Drâa-Tafilalet",
     ("الرشيدية", "Errachidia")),
    ("souss-massa", "SOM", "جهة سوس ماسة", "Région Souss-Massa", ("أكادير", "Agadir")),
    ("guelmim-oued-noun", "GON", "جهة كلميم واد نون", "Région Guelmim-Oued Noun",
     ("كلميم", "Guelmim")),
    ("laayoune-sakia-el-hamra", "LSH", "جهة العيون الساقية الحمراء",
     "Région Laâyoune-Sakia El Hamra", ("العيون", "Laâyoune")),
    ("dakhla-oued-ed-dahab", "DOD", "جهة الداخلة وادي الذهب", "Région Dakhla-Oued Ed-Dahab",
     ("الداخلة", "Dakhla")),
]  # fmt: skip

# The 75 prefectures (P) and provinces, by region (same order as REGIONS).
PROVINCES = [
    [("P", "طنجة أصيلة", "Tanger-Assilah"), ("P", "المضيق الفنيدق", "M'diq-Fnideq"),
     ("", "تطوان", "Tétouan"), ("", "الفحص أنجرة", "Fahs-Anjra"), ("", "العرائش", "Larache"),
     ("", "الحسيمة", "Al Hoceima"), ("", "شفشاون", "Chefchaouen"), ("", "وزان", "Ouezzane")],
    [("P", "وجدة أنكاد", "Oujda-Angad"), ("", "الناظور", "Nador"), ("", "الدريوش", "Driouch"),
     ("", "جرادة", "Jerada"), ("", "بركان", "Berkane"), ("", "تاوريرت", "Taourirt"),
     ("", "جرسيف", "Guercif"), ("", "فجيج", "Figuig")],
    [("P", "فاس", "Fès"), ("P", "مكناس", "Meknès"), ("", "الحاجب", "El Hajeb"),
     ("", "إفران", "Ifrane"), ("", "مولاي يعقوب", "Moulay Yacoub"), ("", "صفرو", "Sefrou"),
     ("", "بولمان", "Boulemane"), ("", "تاونات", "Taounate"), ("", "تازة", "Taza")],
    [("P", "الرباط", "Rabat"), ("P", "سلا", "Salé"), ("P", "الصخيرات تمارة", "Skhirate-Témara"),
     ("", "القنيطرة", "Kénitra"), ("", "الخميسات", "Khémisset"), ("", "سيدي قاسم", "Sidi Kacem"),
     ("", "سيدي سليمان", "Sidi Slimane")],
    [("", "بني ملال", "Béni Mellal"), ("", "أزيلال", "Azilal"),
     ("", "الفقيه بن صالح", "Fquih Ben Salah"), ("", "خنيفرة", "Khénifra"),
     ("", "خريبكة", "Khouribga")],
    [("P", "الدار البيضاء", "Casablanca"), ("P", "المحمدية", "Mohammédia"),
     ("", "الجديدة", "El Jadida"), ("", "النواصر", "Nouaceur"), ("", "مديونة", "Médiouna"),
     ("", "بنسليمان", "Benslimane"), ("", "برشيد", "Berrechid"), ("", "سطات", "Settat"),
     ("", "سيدي بنور", "Sidi Bennour")],
    [("P", "مراكش", "Marrakech"), ("", "شيشاوة", "Chichaoua"), ("", "الحوز", "Al Haouz"),
     ("", "قلعة السراغنة", "El Kelâa des Sraghna"), ("", "الصويرة", "Essaouira"),
     ("", "الرحامنة", "Rehamna"), ("", "آسفي", "Safi"), ("", "اليوسفية", "Youssoufia")],
    [("", "الرشيدية", "Errachidia"), ("", "ورزازات", "Ouarzazate"), ("", "ميدلت", "Midelt"),
     ("", "تنغير", "Tinghir"), ("", "زاكورة", "Zagora")],
    [("P", "أكادير إداوتنان", "Agadir Ida-Outanane"),
     ("P", "إنزكان أيت ملول", "Inezgane-Aït Melloul"),
     ("", "اشتوكة أيت باها", "Chtouka-Aït Baha"), ("", "تارودانت", "Taroudant"),
     ("", "تيزنيت", "Tiznit"), ("", "طاطا", "Tata")],
    [("", "كلميم", "Guelmim"), ("", "آسا الزاك", "Assa-Zag"), ("", "طانطان", "Tan-Tan"),
     ("", "سيدي إفني", "Sidi Ifni")],
    [("", "العيون", "Laâyoune"), ("", "بوجدور", "Boujdour"), ("", "طرفاية", "Tarfaya"),
     ("", "السمارة", "Es-Semara")],
    [("", "وادي الذهب", "Oued Ed-Dahab"), ("", "أوسرد", "Aousserd")],
]  # fmt: skip

# Communes by region: the real count (1,503 in all), then a few real towns; the rest are rural
# communes named the way many are (Sidi…, Ouled…, Aït…) but drawn at random.
COMMUNES_PER_REGION = [146, 124, 194, 114, 135, 153, 251, 125, 175, 53, 20, 13]
TOWNS = [
    [("تطوان", "Tétouan"), ("طنجة", "Tanger"), ("الحسيمة", "Al Hoceima"), ("العرائش", "Larache"),
     ("القصر الكبير", "Ksar El Kébir"), ("شفشاون", "Chefchaouen"), ("وزان", "Ouezzane"),
     ("الفنيدق", "Fnideq"), ("المضيق", "M'diq"), ("أصيلة", "Asilah")],
    [("وجدة", "Oujda"), ("الناظور", "Nador"), ("بركان", "Berkane"), ("تاوريرت", "Taourirt"),
     ("جرسيف", "Guercif"), ("جرادة", "Jerada"), ("فجيج", "Figuig"), ("السعيدية", "Saïdia"),
     ("زايو", "Zaïo")],
    [("فاس", "Fès"), ("مكناس", "Meknès"), ("تازة", "Taza"), ("صفرو", "Sefrou"),
     ("إفران", "Ifrane"), ("الحاجب", "El Hajeb"), ("تاونات", "Taounate"), ("ميسور", "Missour")],
    [("الرباط", "Rabat"), ("سلا", "Salé"), ("القنيطرة", "Kénitra"), ("تمارة", "Témara"),
     ("الصخيرات", "Skhirate"), ("الخميسات", "Khémisset"), ("سيدي قاسم", "Sidi Kacem"),
     ("سيدي سليمان", "Sidi Slimane"), ("تيفلت", "Tiflet")],
    [("بني ملال", "Béni Mellal"), ("خريبكة", "Khouribga"), ("خنيفرة", "Khénifra"),
     ("الفقيه بن صالح", "Fquih Ben Salah"), ("أزيلال", "Azilal"), ("قصبة تادلة", "Kasba Tadla"),
     ("وادي زم", "Oued Zem")],
    [("الدار البيضاء", "Casablanca"), ("المحمدية", "Mohammédia"), ("الجديدة", "El Jadida"),
     ("سطات", "Settat"), ("برشيد", "Berrechid"), ("بنسليمان", "Benslimane"),
     ("سيدي بنور", "Sidi Bennour"), ("أزمور", "Azemmour"), ("مديونة", "Médiouna")],
    [("مراكش", "Marrakech"), ("آسفي", "Safi"), ("الصويرة", "Essaouira"),
     ("قلعة السراغنة", "El Kelâa des Sraghna"), ("اليوسفية", "Youssoufia"),
     ("ابن جرير", "Benguerir"), ("شيشاوة", "Chichaoua"), ("تحناوت", "Tahannaout")],
    [("الرشيدية", "Errachidia"), ("ورزازات", "Ouarzazate"), ("ميدلت", "Midelt"),
     ("تنغير", "Tinghir"), ("زاكورة", "Zagora"), ("أرفود", "Erfoud"), ("الريصاني", "Rissani")],
    [("أكادير", "Agadir"), ("إنزكان", "Inezgane"), ("أيت ملول", "Aït Melloul"),
     ("تارودانت", "Taroudant"), ("تيزنيت", "Tiznit"), ("طاطا", "Tata"), ("بيوكرى", "Biougra")],
    [("كلميم", "Guelmim"), ("طانطان", "Tan-Tan"), ("سيدي إفني", "Sidi Ifni"), ("أسا", "Assa")],
    [("العيون", "Laâyoune"), ("بوجدور", "Boujdour"), ("طرفاية", "Tarfaya"),
     ("السمارة", "Es-Semara"), ("المرسى", "El Marsa")],
    [("الداخلة", "Dakhla"), ("أوسرد", "Aousserd"), ("بئر كندوز", "Bir Gandouz")],
]  # fmt: skip
RURAL_PREFIXES = [("سيدي", "Sidi"), ("أولاد", "Ouled"), ("آيت", "Aït"), ("بني", "Beni"),
                  ("دار", "Dar"), ("عين", "Aïn")]  # fmt: skip
RURAL_ROOTS = [
    ("علي", "Ali"), ("أحمد", "Ahmed"), ("موسى", "Moussa"), ("يحيى", "Yahya"),
    ("ابراهيم", "Brahim"), ("حسان", "Hassane"), ("سعيد", "Said"), ("عمران", "Amrane"),
    ("عبد الله", "Abdallah"), ("بوزيد", "Bouzid"), ("رحال", "Rahal"), ("سليمان", "Slimane"),
    ("بوبكر", "Boubker"), ("الطيبي", "Taibi"), ("منصور", "Mansour"), ("العربي", "Larbi"),
    ("داود", "Daoud"), ("عياد", "Ayad"), ("يعقوب", "Yakoub"), ("غانم", "Ghanem"),
    ("حمو", "Hammou"), ("عمر", "Omar"), ("بوعلي", "Bouali"), ("عزوز", "Azzouz"),
    ("فرج", "Frej"), ("احسين", "Hcine"), ("مسعود", "Messaoud"), ("صالح", "Salah"),
    ("جابر", "Jaber"), ("قاسم", "Kacem"), ("بومدين", "Boumediane"), ("عيسى", "Issa"),
    ("الطاهر", "Tahar"), ("يوسف", "Youssef"), ("ميمون", "Mimoun"), ("لحسن", "Lahcen"),
]  # fmt: skip
RURAL_QUALIFIERS = [("", ""), ("", ""), ("", ""), (" العليا", " El Oulia"),
                    (" السفلى", " Es Soufla"), (" الشرقية", " Ech Charqia"),
                    (" الغربية", " El Gharbia")]  # fmt: skip
