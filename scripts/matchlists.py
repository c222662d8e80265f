#!/usr/bin/env python3
"""Labelled lists for judging person matching: a camp's detainee list against European lists of
known foreign travellers.

The left list is written by clerks in a detention camp: Arabic script on a good share of rows,
otherwise an English-style transliteration; names in Arabic order (own name, father, grandfather
and/or family or tribe name), kunyas ("Abu Hamza al-Belgiki") as an alias or as the name itself
with the civil name among the aliases; dates of birth often the year alone, a placeholder
(1 January, 01/01, 00/00) or missing; nationality as the clerk wrote it, in English or Arabic;
father's and mother's names in columns of their own on some rows.

The right list joins national lists (Dutch, Belgian, French, German, British) with their own
spelling conventions (Mohammed / Mohamed / Moehammed / Muhammad, Youssef / Joessef / Youcef,
Abdelkader / Abdulkadir, Bendjamel / Ben Jamal, El Hassani / Elhassani), European name order
("Given SURNAME", "SURNAME, Given", "Berg, Bram van den"), full dates in each country's format,
passports, double nationalities, places of birth in the local language.

Persons come from Moroccan, Algerian, Tunisian, Syrian, Iraqi and Chechen families and from
European converts, with Zipf-like name frequencies (Mohammed and Ahmed very common). Families are
modelled, so that the hard negatives are real ones: brothers (same father and family name, born
1-10 years apart, often in the same town), cousins (same grandfather, often the same own name),
namesakes (same own and family name, another father, another decade), and persons whose names
all agree but whose full dates are 9 or 16 years apart. True pairs carry clerical errors: a
typo, day and month swapped, the year one off, two digits transposed, the family name left out,
the grandfather written as the father, Arabic script on one side.

Usage: python3 scripts/matchlists.py --seed N --out DIR [--left 1000] [--right 20000] [--notes]
writes DIR/left.csv, DIR/right.csv, DIR/truth.csv (left_id,right_id) and, with --notes,
DIR/notes.csv (what each row is: a true traveller, a brother of D00012, a namesake, ...).
Standard library only.
"""
import argparse
import csv
import os
import random
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Spelling conventions. "en" is the English-style transliteration of camp clerks and British
# lists; "fr" France, Wallonia and Maghreb civil registers; "nl" the Netherlands and Flanders;
# "de" Germany; "ru" Russian documents (Chechens), turned into each country's spelling by rules.
CONVENTIONS = ("en", "fr", "nl", "de", "ru")
LIST_CONVENTION = {"GB": "en", "FR": "fr", "NL": "nl", "DE": "de"}  # BE: fr or nl, per row


def _forms(cell):
    return [f.replace("_", " ") for f in cell.split()]


@dataclass
class Name:
    key: str
    arabic: str
    regions: str
    forms: dict  # convention -> spellings, the usual one first

    def spellings(self):
        seen = []
        for conv in CONVENTIONS[:4]:  # Russian forms only for Chechens, through _parts_latin
            for f in self.forms.get(conv, []):
                if f not in seen:
                    seen.append(f)
        return seen


def _table(text):
    """Parses `key | arabic | regions | en | fr | nl | de | ru` lines; empty cells fall back to en."""
    names = []
    for line in text.strip().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("|")]
        cells += [""] * (8 - len(cells))
        key, arabic, regions = cells[:3]
        forms = {}
        for conv, cell in zip(CONVENTIONS, cells[3:8]):
            if cell:
                forms[conv] = _forms(cell)
        for conv in CONVENTIONS[:4]:
            forms.setdefault(conv, forms["en"])
        names.append(Name(key, arabic, regions, forms))
    return names


# Regions: M Morocco, D Algeria, T Tunisia, S Syria, I Iraq, C Chechnya. Rows are in rough order
# of frequency; the sampling weight falls with the rank (Zipf).
MALE = _table("""
Muhammad | محمد | MDTSIC | Muhammad Mohammed Mohammad Mohamed | Mohamed Mohammed Mouhamed Mohamad M'hamed | Mohammed Mohamed Moehammed Mohamad | Mohammed Muhammed Mohamad Mohamed | Magomed Mukhammad Mokhmad
Ahmed | أحمد | MDTSIC | Ahmed Ahmad | Ahmed Ahmad Hmed | Ahmed Achmed Ahmad | Ahmed Achmed Ahmad | Akhmed Akhmad
Abdullah | عبد الله | MDTSIC | Abdullah Abdallah Abd_Allah Abdulla | Abdallah Abdellah Abdoullah | Abdellah Abdullah Abdoellah Abdallah | Abdullah Abdallah | Abdulla Abdullakh
Youssef | يوسف | MDTSIC | Yusuf Youssef Yousef Yousif | Youssef Youcef Youssouf Yousef | Youssef Joessef Yusuf Yousef | Yusuf Jusuf Youssef | Yusup Yusuf
Omar | عمر | MDTSIC | Omar Umar | Omar Oumar | Omar Oemar | Omar Umar | Umar Omar
Ali | علي | MDTSIC | Ali | Ali Aly | Ali | Ali | Ali
Ibrahim | إبراهيم | MDTSIC | Ibrahim Ebrahim | Brahim Ibrahim | Ibrahim Brahim Ibrahiem | Ibrahim | Ibragim Ibrakhim
Hassan | حسن | MDTSIC | Hassan Hasan | Hassan Hassane Hacene | Hassan Hasan | Hassan Hasan | Khasan Hasan
Hussein | حسين | MDTSI | Hussein Hussain Husayn | Houssein Hocine Hussein | Hoessein Hussein | Hussein Husein | Khusein
Khalid | خالد | MDTSI | Khalid Khaled | Khalid Khaled | Khalid Chalid Khaled | Khalid Chalid Khaled |
Mustafa | مصطفى | MDTSI | Mustafa Mustapha Mostafa | Mustapha Moustapha Moustafa | Mustafa Moestafa Mustapha | Mustafa |
Abdelkader | عبد القادر | MDTSI | Abd_al-Qadir Abdulqadir Abdelkader Abdul_Qadir | Abdelkader Abdelkadir Abdel_Kader | Abdelkader Abdoelkader Abdulkadir | Abdulkadir Abdelkader |
Abderrahmane | عبد الرحمن | MDTSI | Abd_al-Rahman Abdulrahman Abdelrahman Abdul_Rahman | Abderrahmane Abderahmane Abdelrahmane | Abderrahman Abdurrahman Abdoerrahman | Abdurrahman Abdelrahman |
Hamza | حمزة | MDTSIC | Hamza Hamzah | Hamza Hamsa | Hamza Hamsa | Hamza | Khamzat Hamzat
Bilal | بلال | MDTSI | Bilal | Bilal Bilel | Bilal Bilaal | Bilal |
Said | سعيد | MDTSIC | Said Saeed Saeid | Saïd Said Saaid | Said Saaid | Said Saeed | Said Seid
Karim | كريم | MDT | Karim Kareem | Karim Kerim | Karim Kariem | Karim |
Rachid | رشيد | MDTSI | Rashid Rasheed | Rachid Rachide | Rachid Rachied Rashid | Raschid Rachid |
Ismail | إسماعيل | MDTSIC | Ismail Ismael | Smaïl Ismaël Ismail Smail | Ismail Ismaiel | Ismail | Ismail
Yassine | ياسين | MDTSI | Yasin Yassin Yaseen | Yassine Yacine Yassin | Yassine Jassin Yassin | Yassin Jassin |
Soufiane | سفيان | MDT | Sufyan Soufian Sofyan | Soufiane Sofiane Soufyane | Soufian Soefjan Soufyan | Sufian Sofian |
Mehdi | مهدي | MDTSI | Mahdi Mehdi | Mehdi Mahdi | Mehdi | Mehdi Mahdi |
Anouar | أنور | MDTSI | Anwar Anwer | Anouar Anwar | Anouar Anwar Anoir | Anwar |
Tarik | طارق | MDTSI | Tariq Tarek Tareq | Tarik Tarek Tarak | Tarik Tarieq | Tarik Tarek |
Jamal | جمال | MDTSI | Jamal Gamal | Djamel Jamal Jamel | Jamal Djamal | Jamal Dschamal |
Adil | عادل | MDTSI | Adil Adel | Adil Adel | Adil Adel | Adil Adel |
Hicham | هشام | MDTSI | Hisham Hesham | Hicham Hichem | Hicham Hisjam | Hischam Hisham |
Mourad | مراد | MDTSIC | Murad Mourad | Mourad Mourade | Mourad Moerad | Murad | Murad
Samir | سمير | MDTSI | Samir Sameer | Samir | Samir Samier | Samir |
Idris | إدريس | MDTSI | Idris Idrees | Driss Idriss Idris | Driss Idris | Idris |
Redouane | رضوان | MDTSI | Ridwan Radwan | Redouane Redwane Ridouane | Redouan Ridouan Redwan | Ridwan Redouan |
Zakaria | زكريا | MDTSIC | Zakariya Zakaria Zakariyya | Zakaria Zakariae Zakarya | Zakaria Zakariya | Zakaria Sakaria | Zakariya
Ayoub | أيوب | MDTSI | Ayyub Ayub Ayoub | Ayoub Ayoube | Ayoub Ajoub Ayoeb | Ayub Ajub |
Amine | أمين | MDTSI | Amin Ameen | Amine Amin | Amin Amine | Amin |
Othman | عثمان | MDTSI | Uthman Othman Osman | Othmane Otmane Outhmane | Othman Osman | Osman Uthman |
Yahya | يحيى | MDTSI | Yahya Yehya | Yahia Yahya | Yahya Jahja | Yahya Jahja |
Younes | يونس | MDTSI | Yunus Younis Younes | Younes Younès Younousse | Younes Joenes Younis | Junus Younes |
Moussa | موسى | MDTSIC | Musa Moussa | Moussa Mousa | Moussa Moesa | Musa Moussa | Musa
Issa | عيسى | MDTSIC | Isa Issa | Aïssa Issa Aissa | Issa Isa | Isa Issa | Isa
Salaheddine | صلاح الدين | MDTSI | Salah_al-Din Salahuddin Salah_Eddine | Salaheddine Salah-Eddine Salah_Eddine | Salaheddine Salahdin | Salahuddin Salaheddin |
Noureddine | نور الدين | MDTSI | Nur_al-Din Nuruddin Nour_Eddine | Noureddine Nour-Eddine Nordine Nourdine | Noureddine Nourdin Noerdin | Nureddin Nourredine |
Faisal | فيصل | MDTSI | Faisal Faysal | Fayçal Faycal Faisal | Faisal Faysal | Faisal Feisal |
Walid | وليد | MDTSI | Walid Waleed | Walid Oualid | Walid Oualid | Walid |
Nasser | ناصر | MDTSI | Nasser Nasir Naser | Nacer Nasser | Nasser Naser | Nasser |
Mahmoud | محمود | MDTSIC | Mahmoud Mahmud | Mahmoud | Mahmoud Mahmoed | Mahmud Machmud | Makhmud
Abdelaziz | عبد العزيز | MDTSI | Abd_al-Aziz Abdulaziz Abdel_Aziz | Abdelaziz Abdelaaziz | Abdelaziz Abdulaziz | Abdulaziz |
Abdelkarim | عبد الكريم | MDTSI | Abd_al-Karim Abdulkarim | Abdelkrim Abdelkarim | Abdelkarim Abdelkrim | Abdulkarim |
Abdeslam | عبد السلام | MDTSI | Abd_al-Salam Abdulsalam Abdussalam | Abdeslam Abdessalam | Abdeslam Abdesalam | Abdussalam Abdulsalam |
Abdelhakim | عبد الحكيم | MDTSI | Abd_al-Hakim Abdulhakim | Abdelhakim Abdelhakime | Abdelhakim Abdelhakiem | Abdulhakim |
Ilyas | إلياس | MDTSIC | Ilyas Ilias | Ilyas Ilias Elias | Ilias Iliass Ilyas | Ilyas Iljas | Ilyas
Marouane | مروان | MDTSI | Marwan | Marouane Marwane | Marouan Marwan | Marwan |
Sami | سامي | MDTSI | Sami Samy | Sami Samy | Sami | Sami |
Hakim | حكيم | MDT | Hakim Hakeem | Hakim | Hakim | Hakim |
Fouad | فؤاد | MDTSI | Fuad Fouad | Fouad | Fouad Foead | Fuad |
Jaouad | جواد | MDTSI | Jawad | Jaouad Jawad Djaouad | Jawad Jaouad | Dschawad Jawad |
Kamal | كمال | MDTSI | Kamal | Kamel Kamal | Kamal Kamel | Kamal |
Mohcine | محسن | MDTSI | Muhsin Mohsin Mohsen | Mohcine Mohssine Mohsen | Mohsin Mohcine | Mohsin Muhsin |
Oussama | أسامة | MDTSI | Usama Osama Ousama | Oussama Oussema Ousama | Oussama Oesama Osama | Usama Osama |
Zouhair | زهير | MDTSI | Zuhair Zuhayr | Zouhair Zouheir | Zouhair Zohair | Suhair Zuhair |
Anas | أنس | MDTSI | Anas | Anas Anass | Anas Anass | Anas |
Haroun | هارون | MDTSI | Harun Haroun | Haroun Haroune | Haroen Harun | Harun |
Souleiman | سليمان | MDTSIC | Sulayman Suleiman Sulaiman | Slimane Souleymane Soulaimane | Soulaiman Soeleiman Suleiman | Suleiman Sulaiman | Suleyman Suleiman
Nabil | نبيل | MDTSI | Nabil Nabeel | Nabil | Nabil Nabiel | Nabil |
Hamid | حميد | MDTSI | Hamid Hameed | Hamid | Hamid | Hamid |
Aziz | عزيز | MDTSIC | Aziz | Aziz | Aziz | Asis Aziz | Aziz
Reda | رضا | MDTSI | Rida Reda Ridha | Réda Reda Ridha | Reda Rida | Reda Rida |
Taha | طه | MDTSI | Taha | Taha | Taha | Taha |
Majid | ماجد | MDTSI | Majid Majed | Majid Majed | Majid Madjid | Majid Madschid |
Abdelilah | عبد الإله | MDT | Abd_al-Ilah Abdulilah | Abdelilah Abdelillah | Abdelilah Abdelillah | Abdulilah |
Tawfiq | توفيق | MDTSI | Tawfiq Tawfik | Toufik Taoufik Tewfik | Toufik Taoufik Tawfik | Tawfik Taufik |
Ayman | أيمن | MDTSI | Ayman Aiman | Aymen Ayman | Ayman Aiman | Aiman Ayman |
Ammar | عمار | MDTSI | Ammar Amar | Ammar Amar | Ammar | Ammar |
Saad | سعد | MDTSI | Saad Sa'd | Saâd Saad | Saad | Saad |
Fares | فارس | MDTSI | Faris Fares | Farès Fares | Fares Faris | Faris Fares |
Mansur | منصور | MDTSIC | Mansur Mansour | Mansour | Mansour Mansoer | Mansur | Mansur
Ruslan | روسلان | C | Ruslan | Rouslan | Roeslan Ruslan | Ruslan | Ruslan
Shamil | شامل | C | Shamil | Chamil | Sjamil Shamil | Schamil | Shamil
Aslan | أصلان | C | Aslan | Aslan | Aslan | Aslan | Aslan
Islam | إسلام | C | Islam | Islam | Islam | Islam | Islam
Adam | آدم | C | Adam | Adam | Adam | Adam | Adam
Rustam | رستم | C | Rustam Rustem | Roustam | Roestam | Rustam | Rustam
Zelimkhan | زليمخان | C | Zelimkhan | Zelimkhan | Zelimchan | Zelimchan Selimchan | Zelimkhan
Ramzan | رمضان | C | Ramzan Ramadan | Ramzan | Ramzan | Ramsan | Ramzan
Sultan | سلطان | C | Sultan | Soultan | Soeltan | Sultan | Sultan
Timur | تيمور | C | Timur | Timour | Timoer | Timur | Timur
Beslan | بيسلان | C | Beslan | Beslan | Beslan | Beslan | Beslan
Anzor | أنزور | C | Anzor | Anzor | Anzor | Ansor | Anzor
Apti | أبتي | C | Apti | Apti | Apti | Apti | Apti
Abubakar | أبو بكر | C | Abu_Bakr Abubakar | Aboubakar | Aboebakar | Abubakar | Abubakar
Zaur | زاور | C | Zaur | Zaour | Zaoer | Saur | Zaur
Movsar | موفسار | C | Movsar | Movsar | Movsar | Mowsar | Movsar
""")

FEMALE = _table("""
Fatima | فاطمة | MDTSIC | Fatima Fatimah | Fatima Fatma Fadma | Fatima Fatma | Fatima Fatma | Patimat Fatima
Khadija | خديجة | MDTSI | Khadija Khadijah | Khadija Khadidja Kadija | Khadija Chadidja | Chadidscha Khadija |
Aisha | عائشة | MDTSI | Aisha Aishah | Aïcha Aicha | Aicha Aisja | Aischa Aisha |
Maryam | مريم | MDTSIC | Maryam Mariam | Meryem Myriam Meriem | Maryam Mariam Meryem | Mariam Marjam | Mariam
Zainab | زينب | MDTSI | Zaynab Zainab Zeinab | Zineb Zeineb | Zineb Zaynab | Zainab Sainab |
Amina | أمينة | MDTSIC | Amina Aminah | Amina | Amina | Amina | Aminat Amina
Hafsa | حفصة | MDTSI | Hafsa Hafsah | Hafsa Hafssa | Hafsa | Hafsa |
Asmaa | أسماء | MDTSI | Asma Asmaa | Asmae Asma | Asma Asmae | Asma |
Salma | سلمى | MDTSI | Salma | Salma Selma | Salma | Salma |
Nadia | نادية | MDTSI | Nadia Nadiya | Nadia | Nadia Nadja | Nadja Nadia |
Samira | سميرة | MDTSI | Samira Sameera | Samira | Samira | Samira |
Houda | هدى | MDTSI | Huda Hoda | Houda Hoda | Houda Hoeda | Huda |
Imane | إيمان | MDTSI | Iman Eman | Imane Imen | Imane Iman | Iman |
Loubna | لبنى | MDTSI | Lubna | Loubna | Loubna Loebna | Lubna |
Soumaya | سمية | MDTSI | Sumayya Sumaya | Soumaya Soumia | Soumaya Soemaja | Sumaya Sumeyye |
Naima | نعيمة | MDT | Naima Naeema | Naïma Naima | Naima | Naima |
Latifa | لطيفة | MDTSI | Latifa Latifah | Latifa | Latifa | Latifa |
Hanane | حنان | MDTSI | Hanan | Hanane | Hanan Hanane | Hanan |
Rachida | رشيدة | MDTSI | Rashida | Rachida | Rachida | Raschida |
Malika | مليكة | MDT | Malika | Malika | Malika | Malika |
Yasmina | ياسمينة | MDTSI | Yasmina Yasmin | Yasmina Yasmine | Yasmina Jasmina | Jasmina |
Sara | سارة | MDTSIC | Sara Sarah | Sarah Sara | Sara Sarah | Sara | Sara
Nour | نور | MDTSI | Nur Noor Nour | Nour | Nour Noer | Nur |
Madina | مدينة | C | Madina | Madina | Madina | Madina | Madina
Khava | حواء | C | Hawa Khava | Hawa Khava | Hawa | Chawa | Khava
Zarema | زاريما | C | Zarema | Zarema | Zarema | Sarema | Zarema
Seda | سيدا | C | Seda | Seda | Seda | Seda | Seda
Luiza | لويزا | C | Luiza | Louiza | Loeiza | Luisa | Luiza
Milana | ميلانا | C | Milana | Milana | Milana | Milana | Milana
""")

# Chechen own names: this order, not the table's, gives their frequency.
CHECHEN_MALE_ORDER = ["Muhammad", "Ruslan", "Islam", "Adam", "Ahmed", "Shamil", "Aslan", "Rustam",
                      "Ibrahim", "Omar", "Zelimkhan", "Ramzan", "Hamza", "Ali", "Sultan", "Hassan",
                      "Timur", "Youssef", "Beslan", "Abdullah", "Anzor", "Said", "Apti",
                      "Souleiman", "Abubakar", "Ismail", "Zaur", "Moussa", "Movsar", "Issa",
                      "Mansur", "Mourad", "Ilyas", "Mahmoud", "Zakaria", "Aziz"]
CHECHEN_FEMALE_ORDER = ["Madina", "Amina", "Khava", "Zarema", "Fatima", "Seda", "Maryam", "Luiza",
                        "Milana", "Sara"]

# Converts: names on each country's list (own names, sisters' names, fathers' names).
EUROPEAN_GIVEN = {
    "NL": ("Bram Jeroen Sander Dennis Pieter Daan Kevin Thomas Stefan Sven Lucas Ruben Joost Niels "
           "Tim Rick Mark Bas Wouter Jesse Mike Martijn Robin",
           "Sanne Laura Lisa Anna Sophie Femke Eva Iris Lotte Anouk Kim",
           "Jan Johannes Wim Kees Peter Gerard Henk Theo"),
    "BE": ("Kevin Thomas Bram Jeroen Pieter Pierre Nicolas Julien Maxime Jonathan Lucas Jens Wout "
           "Brecht Stijn Arne Gilles Loïc Benoît Cédric Jérôme Michaël Olivier",
           "Laura Sophie Emilie Julie Marie Elke Lien Manon Céline Charlotte",
           "Jan Wim Jean Philippe Marc Luc Dirk Patrick"),
    "FR": ("Kevin Thomas Pierre Nicolas Julien Maxime Romain Jonathan Florian Daniel David Lucas "
           "Antoine Alexandre Quentin Mickaël Sébastien Jérémy Anthony Florent Guillaume Damien "
           "Fabien Cyril",
           "Laura Sophie Emilie Julie Marie Jessica Charlotte Camille Pauline Manon Océane Chloé "
           "Mélanie Amandine",
           "Jean Philippe Marc Luc Michel Alain Patrick Bernard Gérard"),
    "DE": ("Kevin Thomas Dennis Florian Stefan Sven Christian Marco Daniel Michael Andreas Tobias "
           "Patrick Sascha Marcel Dominik Philipp Benjamin Timo Jan Robert Eric",
           "Laura Sophie Anna Lisa Marie Jessica Sabine Katharina Jana Lena Sandra Nadine Melanie",
           "Johannes Klaus Hans Peter Jürgen Uwe Wolfgang Frank"),
    "GB": ("Kevin Thomas Jonathan Daniel Michael James Richard Jack David Matthew Andrew "
           "Christopher Benjamin Samuel Joseph Ryan Liam Luke Craig Jamie Jordan",
           "Laura Lisa Jessica Charlotte Emma Hannah Amy Rebecca Chloe Kirsty",
           "John Robert Peter David Paul Stephen Ian Gary"),
}
# The name a convert is known by among the other detainees.
CONVERT_NAMES_MALE = ["Ibrahim", "Abdullah", "Youssef", "Omar", "Abderrahmane", "Bilal", "Hamza",
                      "Moussa", "Yahya", "Idris"]
CONVERT_NAMES_FEMALE = ["Maryam", "Khadija", "Aisha", "Fatima", "Hafsa", "Sara"]

# Family names. Regions as above, plus the European lists' own for converts.
FAMILY = _table("""
El Amrani | العمراني | M | al-Amrani Amrani | El_Amrani Elamrani Amrani | El_Amrani Elamrani | El-Amrani Amrani
El Idrissi | الإدريسي | M | al-Idrisi Idrissi | El_Idrissi Elidrissi Idrissi | El_Idrissi Elidrissi | Idrissi El-Idrissi
Alaoui | العلوي | M | al-Alawi Alaoui | Alaoui El_Alaoui | Alaoui El_Alaoui | Alaoui Alaui
Benali | بن علي | MDT | bin_Ali Ben_Ali | Benali Ben_Ali Ben-Ali | Benali Ben_Ali | Benali Ben_Ali
El Khattabi | الخطابي | M | al-Khattabi Khattabi | El_Khattabi Elkhattabi Khattabi | El_Khattabi Elkhattabi | El-Khattabi Chattabi
Tahiri | الطاهري | M | al-Tahiri Tahiri | Tahiri Ettahiri El_Tahiri | Tahiri Taheri | Tahiri
Azzouzi | العزوزي | M | al-Azzuzi Azzouzi | Azzouzi El_Azzouzi Azouzi | Azzouzi El_Azzouzi Azouzi | Azzouzi Asusi
Bouzid | بوزيد | MD | Bu_Zaid Bouzid | Bouzid Bouzide | Bouzid Boezid | Bouzid Busid
Boukhari | البخاري | M | al-Bukhari Bukhari | Boukhari El_Boukhari | Boukhari El_Boukhari Boechari | Buchari Boukhari
Ouahbi | الوهبي | M | al-Wahbi Wahbi | Ouahbi El_Ouahbi | Ouahbi Wahbi | Wahbi Ouahbi
Chaoui | الشاوي | MD | al-Shawi Shawi | Chaoui Ech-Chaoui | Chaoui Chawi | Schaui Chaoui
El Hassani | الحسني | M | al-Hasani Hasani | El_Hassani Elhassani Hassani | El_Hassani Elhassani | El-Hassani Hassani
Ben Amine | بن أمين | M | bin_Amin Ben_Amin | Ben_Amine Benamine Benamin | Ben_Amine Benamin | Ben_Amin Benamin
Bouazza | بوعزة | M | Bu_Azza Bouazza | Bouazza Bou_Azza | Bouazza Boeazza | Buazza Bouazza
El Ouardi | الوردي | M | al-Wardi Wardi | El_Ouardi Elouardi Ouardi | El_Ouardi Elouardi | El-Ouardi Wardi
El Mokhtari | المختاري | M | al-Mukhtari Mukhtari | El_Mokhtari Elmokhtari Mokhtari | El_Mokhtari Elmokhtari Mochtari | Mochtari El-Mokhtari
Belhaj | بلحاج | MDT | Bilhajj Belhaj | Belhaj Belhadj Bel_Hadj | Belhaj Belhadj | Belhadsch Belhaj
Kaddouri | القدوري | M | al-Qadduri Qadduri | Kaddouri El_Kaddouri Kadouri | Kaddouri Kadouri | Kadduri Kaddouri
Bakkali | البقالي | M | al-Baqqali Baqqali | Bakkali El_Bakkali | Bakkali El_Bakkali Bakali | Bakkali
Benjelloun | بنجلون | M | bin_Jallun Benjelloun | Benjelloun Ben_Jelloun | Benjelloun Ben_Jelloun | Benjelloun
Zerouali | الزروالي | M | al-Zarwali Zarwali | Zerouali Zarouali | Zerouali Zarwali | Serwali Zerouali
Haddouchi | حدوشي | M | Haddushi | Haddouchi Hadouchi | Haddouchi Haddoeschi | Hadduschi
Bendjamel | بن جمال | D | bin_Jamal Ben_Jamal | Bendjamel Ben_Djamel Benjamel | Bendjamel Ben_Jamal Benjamal | Bendjamel Ben_Dschamal
Belkacem | بلقاسم | DM | Belqasim Bilqasim | Belkacem Belgacem Bel_Kacem | Belkacem Belkasem | Belkacem Belkasim
Benaissa | بن عيسى | DM | bin_Isa Ben_Issa | Benaissa Benaïssa Ben_Aissa | Benaissa Ben_Aissa | Benaissa
Boumediene | بومدين | D | Bu_Madyan Boumedien | Boumediene Boumedienne Boumedien | Boumediene Boumedien | Boumediene Bumedien
Hamidi | الحميدي | DMT | al-Hamidi Hamidi | Hamidi Hamidy | Hamidi | Hamidi
Mansouri | المنصوري | DMT | al-Mansuri Mansuri | Mansouri El_Mansouri | Mansouri El_Mansouri Mansoeri | Mansuri Mansouri
Saadi | السعدي | DMT | al-Saadi Saadi | Saadi Saâdi Es-Saadi | Saadi Essaadi | Saadi
Zerrouki | الزروقي | D | al-Zarruqi Zarruqi | Zerrouki Zerouki | Zerrouki | Serruki Zerrouki
Bouteldja | بوتلجة | D | Bu_Tilja Boutelja | Bouteldja Boutelja | Bouteldja | Bouteldja
Cherif | الشريف | DMT | al-Sharif Sharif | Cherif Chérif Chrif | Cherif Sharif | Scherif Cherif
Hadjadj | حجاج | D | Hajjaj | Hadjadj Hadjaj | Hadjadj Hajjaj | Hadschadsch Hadjadj
Bensaid | بن سعيد | DM | bin_Said Ben_Said | Bensaid Bensaïd Ben_Said | Bensaid Ben_Said | Bensaid
Larbi | العربي | DM | al-Arabi Arabi | Larbi El_Arbi Elarbi | Larbi El_Arbi | Larbi El-Arbi
Brahimi | الإبراهيمي | D | al-Ibrahimi Ibrahimi | Brahimi Ibrahimi | Brahimi | Brahimi
Kaci | قاسي | D | Qasi | Kaci Kaçi | Kaci Kasi | Kaci Kasi
Meziane | مزيان | D | Mezian Miziyan | Meziane Mezyane | Meziane | Mesiane Meziane
Trabelsi | الطرابلسي | T | al-Tarabulsi Tarabulsi | Trabelsi Trabelssi | Trabelsi | Trabelsi Tarabulsi
Ben Salah | بن صالح | T | bin_Salih Ben_Salih | Ben_Salah Bensalah | Ben_Salah Bensalah | Ben_Salah Bensalah
Jebali | الجبالي | T | al-Jabali Jabali | Jebali Jbali | Jebali Jbali | Dschebali Jebali
Gharbi | الغربي | T | al-Gharbi Gharbi | Gharbi El_Gharbi Rharbi | Gharbi El_Gharbi | Gharbi
Mejri | الماجري | T | al-Majri Majri | Mejri Mejiri | Mejri | Medschri Mejri
Hammami | الحمامي | T | al-Hammami Hammami | Hammami Hamami | Hammami Hamami | Hammami
Ayari | العياري | T | al-Ayyari Ayyari | Ayari Aiari | Ayari Ajari | Ajari Ayari
Jlassi | الجلاصي | T | al-Jallasi Jallasi | Jlassi Jelassi | Jlassi | Dschlassi Jlassi
Chebbi | الشابي | T | al-Shabbi Shabbi | Chebbi Chabbi | Chebbi | Schebbi Chebbi
Dridi | الدريدي | T | al-Duraydi Dridi | Dridi | Dridi | Dridi
Ben Abdallah | بن عبد الله | TMD | bin_Abdullah Ben_Abdullah | Ben_Abdallah Benabdallah Ben_Abdellah | Ben_Abdallah Benabdallah | Ben_Abdallah
Riahi | الرياحي | T | al-Riyahi Riyahi | Riahi Riyahi | Riahi | Riahi
Ouerghi | الورغي | T | al-Warghi Warghi | Ouerghi Werghi | Ouerghi Werghi | Werghi
Haddad | الحداد | S | Haddad al-Haddad | Haddad El_Haddad | Haddad | Haddad
al-Khatib | الخطيب | S | al-Khatib Khatib | El_Khatib Khatib | Al_Khatib Alkhatib Khatib | Al-Chatib Khatib
Darwish | درويش | SI | Darwish | Darwiche Derouiche | Darwish Darwisj | Darwisch Derwisch
Kassab | القصاب | SI | al-Qassab Qassab | Kassab | Kassab Qassab | Kassab
Sabbagh | الصباغ | S | al-Sabbagh Sabbagh | Sabbagh Sabbag | Sabbagh | Sabbagh
Najjar | النجار | S | al-Najjar Najjar | Najjar En-Najjar | Najjar | Nadschar Najjar
Hamdan | حمدان | SI | Hamdan | Hamdane | Hamdan | Hamdan
Khalil | خليل | S | Khalil | Khalil | Khalil Chalil | Chalil Khalil
Hariri | الحريري | S | al-Hariri Hariri | Hariri | Hariri | Hariri
Sheikh | الشيخ | S | al-Sheikh Sheikh Shaykh | Cheikh El_Cheikh | Sheikh Sjeikh | Scheich Sheikh
al-Jubouri | الجبوري | I | al-Jubouri al-Juburi Jubouri | Al-Joubouri Jubouri | Al-Jubouri Aljabouri | Al-Dschuburi Jubouri
al-Dulaimi | الدليمي | I | al-Dulaimi al-Dulaymi Dulaimi | Al-Doulaimi Dulaimi | Al-Dulaimi Aldulaimi | Al-Dulaimi Duleimi
al-Obeidi | العبيدي | I | al-Ubaidi al-Obeidi Obeidi | Al-Obeidi Obeidi | Al-Obaidi Alobaidi | Al-Obeidi
al-Tikriti | التكريتي | I | al-Tikriti Tikriti | Al-Tikriti | Al-Tikriti Altikriti | Al-Tikriti
al-Ani | العاني | I | al-Ani Ani | Al-Ani | Alani Al-Ani | Al-Ani
al-Rawi | الراوي | I | al-Rawi Rawi | Al-Rawi | Alrawi Al-Rawi | Al-Rawi
al-Samarrai | السامرائي | I | al-Samarrai Samarrai | Al-Samarrai Samarai | Alsamarai Al-Samarrai | Al-Samarrai
al-Shammari | الشمري | IS | al-Shammari Shammari | Al-Chammari Chammari | Alshamari Al-Shammari | Al-Schammari
al-Zubaidi | الزبيدي | I | al-Zubaidi al-Zubaydi | Al-Zoubaidi Zoubaidi | Alzubaidi Al-Zubaidi | Al-Subaidi Al-Zubaidi
al-Azzawi | العزاوي | I | al-Azzawi Azzawi | Al-Azzaoui Azzaoui | Alazawi Al-Azzawi | Al-Asawi Al-Azzawi
al-Janabi | الجنابي | I | al-Janabi Janabi | Al-Janabi Janabi | Aljanabi Al-Janabi | Al-Dschanabi Al-Janabi
al-Tamimi | التميمي | IS | al-Tamimi Tamimi | Al-Tamimi Tamimi | Altamimi Al-Tamimi | Al-Tamimi
Umarov | عمروف | C | Umarov | | | | Umarov
Magomedov | ماغوميدوف | C | Magomedov | | | | Magomedov
Dudayev | دوداييف | C | Dudayev Dudaev | | | | Dudayev Dudaev
Akhmadov | أحمدوف | C | Akhmadov Akhmedov | | | | Akhmadov Akhmedov
Basayev | باساييف | C | Basayev Basaev | | | | Basayev Basaev
Israilov | إسرائيلوف | C | Israilov | | | | Israilov
Batirov | باتيروف | C | Batirov Batyrov | | | | Batirov Batyrov
Zakayev | زاكاييف | C | Zakayev Zakaev | | | | Zakayev Zakaev
Khasanov | خاسانوف | C | Khasanov Hasanov | | | | Khasanov Hasanov
Ibragimov | إبراهيموف | C | Ibragimov Ibrahimov | | | | Ibragimov
Yusupov | يوسوبوف | C | Yusupov | | | | Yusupov
Musayev | موساييف | C | Musayev Musaev | | | | Musayev Musaev
Aliev | علييف | C | Aliev Aliyev | | | | Aliev Aliyev
Isayev | عيساييف | C | Isayev Isaev | | | | Isayev Isaev
Khamzatov | حمزاتوف | C | Khamzatov | | | | Khamzatov
Saidov | سعيدوف | C | Saidov | | | | Saidov
Gaziev | غازييف | C | Gaziev Gaziyev | | | | Gaziev
Dzhabrailov | جبرائيلوف | C | Dzhabrailov Jabrailov | | | | Dzhabrailov Djabrailov
Abdulaev | عبدولاييف | C | Abdulaev Abdullayev | | | | Abdulaev
Abubakarov | أبوبكروف | C | Abubakarov | | | | Abubakarov
Bisultanov | بيسلطانوف | C | Bisultanov | | | | Bisultanov
Dadaev | داداييف | C | Dadaev Dadayev | | | | Dadaev
Elmurzaev | إلمورزاييف | C | Elmurzaev | | | | Elmurzaev
Gairbekov | غايربيكوف | C | Gairbekov | | | | Gairbekov
Khadzhiev | حاجييف | C | Khadzhiev Hadjiev | | | | Khadzhiev
Mezhidov | ميجيدوف | C | Mezhidov | | | | Mezhidov
Sultanov | سلطانوف | C | Sultanov | | | | Sultanov
Vakhaev | وخاييف | C | Vakhaev | | | | Vakhaev
Yandarbiev | ياندرباييف | C | Yandarbiev | | | | Yandarbiev
Zubairaev | زبيراييف | C | Zubairaev | | | | Zubairaev
Arsanukaev | أرسانوكاييف | C | Arsanukaev | | | | Arsanukaev
Baisarov | بايساروف | C | Baisarov | | | | Baisarov
Edilov | إديلوف | C | Edilov | | | | Edilov
Eskiev | إسكييف | C | Eskiev | | | | Eskiev
Gakaev | غاكاييف | C | Gakaev | | | | Gakaev
Temirov | تيميروف | C | Temirov | | | | Temirov
Tsakaev | تساكاييف | C | Tsakaev | | | | Tsakaev
Khatuev | خاتوييف | C | Khatuev | | | | Khatuev
Kurbanov | قربانوف | C | Kurbanov | | | | Kurbanov
Salamov | سلاموف | C | Salamov | | | | Salamov
Idrisov | إدريسوف | C | Idrisov | | | | Idrisov
Ismailov | إسماعيلوف | C | Ismailov | | | | Ismailov
Berrada | برادة | M | Barrada Berrada | Berrada | Berrada | Berrada
Lahlou | لحلو | M | Lahlu Lahlou | Lahlou | Lahlou Lahloe | Lahlu
Benkirane | بنكيران | M | Benkiran bin_Kiran | Benkirane Ben_Kirane | Benkirane | Benkiran
Bennani | بناني | M | Bannani Bennani | Bennani | Bennani | Bennani
Tazi | التازي | M | al-Tazi Tazi | Tazi Ettazi | Tazi | Tasi Tazi
Chraibi | الشرايبي | M | al-Shraybi Shraibi | Chraibi Chraïbi | Chraibi | Schraibi
Boukhris | بوخريص | M | Bukhris | Boukhris | Boukhris Boechris | Buchris
Bouhlal | بوهلال | M | Buhlal | Bouhlal | Bouhlal | Buhlal
Boujemaa | بوجمعة | MD | Bu_Jumaa Boujemaa | Boujemaa Boudjemaa | Boujemaa Boedjemaa | Budschemaa
Bouslama | بوسلامة | T | Bu_Salama | Bouslama | Bouslama | Buslama
Boutaleb | بوطالب | MD | Bu_Talib | Boutaleb | Boutaleb | Butaleb
Aboutaleb | أبو طالب | M | Abu_Talib | Aboutaleb Abou_Taleb | Aboutaleb | Abutaleb Abu_Talib
Amghar | أمغار | M | Amghar | Amghar | Amghar Amrhar | Amghar
Azarkan | أزركان | M | Azarkan | Azarkan | Azarkan Azarqan | Asarkan
Ouchen | أوشن | M | Ushan | Ouchen | Ouchen Oesjen | Uschen
Amzil | أمزيل | M | Amzil | Amzil | Amzil | Amsil
Aharrar | أحرار | M | Ahrar | Aharrar | Aharrar | Aharrar
Oubella | أوبلا | M | Ubella | Oubella | Oubella | Ubella
Abarkan | أبركان | M | Abarkan | Abarkan | Abarkan | Abarkan
Ahrouch | أحروش | M | Ahrush | Ahrouch | Ahrouch Ahroesj | Ahrusch
Ouali | والي | MD | Wali | Ouali | Ouali Wali | Wali
Guendouz | قندوز | D | Qanduz | Guendouz | Guendouz | Guendus
Lounes | لونيس | D | Lunis | Lounès Lounes | Lounes | Lunes
Amrouche | عمروش | D | Amrush | Amrouche | Amrouche | Amrusch
Rahmani | رحماني | DM | Rahmani | Rahmani | Rahmani | Rahmani
Slimani | سليماني | DM | Sulaymani Slimani | Slimani | Slimani | Slimani
Boudiaf | بوضياف | D | Budiyaf | Boudiaf | Boudiaf | Budiaf
Mokrani | مقراني | D | Muqrani | Mokrani | Mokrani | Mokrani
Belaid | بلعيد | D | Bilaid | Belaïd Belaid | Belaid | Belaid
Djebbar | جبار | D | Jabbar | Djebbar | Djebbar Jabbar | Dschabbar
Khelifa | خليفة | DT | Khalifa | Khelifa | Khalifa Chalifa | Chalifa
Sassi | ساسي | T | Sasi | Sassi | Sassi | Sassi
Baccouche | بكوش | T | Bakkush | Baccouche | Bakkouch | Bakkusch
Hamdi | حمدي | T | Hamdi | Hamdi | Hamdi | Hamdi
Ghali | غالي | T | Ghali | Ghali | Ghali | Ghali
Kayyali | الكيالي | S | al-Kayyali Kayali | Kayali | Kayali | Kajali
Attar | العطار | S | al-Attar Attar | Attar | Attar | Attar
Hallak | الحلاق | S | al-Hallaq Hallak | Hallak | Hallak | Hallak
Zaitoun | زيتون | S | Zaytun Zaitoun | Zeitoun Zaitoun | Zaitoun | Seitun
Qabbani | قباني | S | Qabbani Kabbani | Kabbani | Kabbani | Kabbani
Kanaan | كنعان | S | Kanaan Kan'an | Kanaan | Kanaan | Kanaan
Shaar | الشعار | S | al-Shaar Shaar | Chaar | Shaar | Schaar
Dabbagh | الدباغ | SI | al-Dabbagh Dabbagh | Dabbagh | Dabbagh | Dabbagh
Othman family | عثمان | SI | Uthman Othman | Othman | Othman | Osman
Mansour family | منصور | SI | Mansur Mansour | Mansour | Mansour | Mansur
Suleiman family | سليمان | SI | Sulayman Suleiman | Souleiman | Suleiman | Suleiman
Hamoud | حمود | SI | Hamud Hammoud | Hammoud | Hamoud | Hamud
Saleh | صالح | SI | Salih Saleh | Saleh | Saleh | Saleh
Jassim | جاسم | I | Jasim Jassim | Jassim | Jassim | Dschassim
""")

# Nisbas of towns and regions, the commonest source of Maghrebi and Levantine family names; the
# article is written apart, fused or left out, which _nisba_family spells out.
TOWN_NISBAS = [  # stem spellings (en, fr/nl), Arabic with its article, regions
    ("Fassi Fasi", "Fassi", "الفاسي", "M"), ("Tetouani Tetuani Titwani", "Tetouani", "التطواني", "M"),
    ("Rifi Riffi", "Rifi", "الريفي", "M"), ("Nadori", "Nadori Nadouri", "الناظوري", "M"),
    ("Tanjawi Tanjaoui", "Tanjaoui Tangaoui", "الطنجاوي", "M"), ("Wajdi Oujdi", "Oujdi", "الوجدي", "M"),
    ("Susi Soussi", "Soussi", "السوسي", "MT"), ("Marrakshi", "Marrakchi", "المراكشي", "M"),
    ("Miknasi Meknassi", "Meknassi", "المكناسي", "M"), ("Salawi Slaoui", "Slaoui", "السلاوي", "M"),
    ("Barkani Berkani", "Berkani", "البركاني", "M"), ("Wazzani Ouazzani", "Ouazzani", "الوزاني", "M"),
    ("Jabli Jebli", "Jebli", "الجبلي", "M"), ("Ghumari Ghomari", "Ghomari", "الغماري", "M"),
    ("Tilimsani Tlemcani", "Tlemcani", "التلمساني", "D"), ("Wahrani", "Ouahrani Wahrani", "الوهراني", "D"),
    ("Qasantini", "Constantini Qasantini", "القسنطيني", "D"), ("Annabi", "Annabi", "العنابي", "D"),
    ("Safaqsi Sfaxi", "Sfaxi", "الصفاقسي", "T"), ("Qayrawani Kairouani", "Kairouani", "القيرواني", "T"),
    ("Qafsi Gafsi", "Gafsi", "القفصي", "T"), ("Binzarti Bizerti", "Bizerti", "البنزرتي", "T"),
    ("Jarbi Jerbi", "Jerbi", "الجربي", "T"), ("Halabi", "Halabi", "الحلبي", "S"),
    ("Homsi Himsi", "Homsi", "الحمصي", "S"), ("Dimashqi", "Dimachki Dimashqi", "الدمشقي", "S"),
    ("Hamawi Hamwi", "Hamwi Hamaoui", "الحموي", "S"), ("Idlibi", "Idlibi", "الإدلبي", "S"),
    ("Deiri Dayri", "Deiri", "الديري", "S"), ("Masri", "Masri Masry", "المصري", "SI"),
    ("Mawsili Mosuli", "Mossouli Mosuli", "الموصلي", "I"), ("Baghdadi", "Baghdadi Bagdadi", "البغدادي", "I"),
    ("Kirkuki Karkuki", "Kirkouki", "الكركوكي", "I"), ("Anbari", "Anbari", "الأنباري", "I"),
    ("Basri", "Basri", "البصري", "I"),
    ("Ahmadi", "Ahmadi", "الأحمدي", "MDTSI"), ("Umari", "Omari", "العمري", "MDTSI"),
    ("Yusufi", "Youssfi Youssoufi", "اليوسفي", "M"), ("Saidi", "Saidi Saïdi", "السعيدي", "MDTSI"),
    ("Karimi", "Karimi", "الكريمي", "MDS"), ("Rashidi", "Rachidi", "الرشيدي", "MDTSI"),
    ("Musawi", "Moussaoui", "الموساوي", "MDT"), ("Isawi", "Aissaoui", "العيساوي", "MDT"),
    ("Yahyawi", "Yahyaoui", "اليحياوي", "MDT"), ("Ismaili", "Smaili Ismaili", "الإسماعيلي", "MDT"),
    ("Khalidi", "Khalidi", "الخالدي", "MSI"), ("Jamali", "Jamali Djamali", "الجمالي", "MDT"),
    ("Nasiri", "Naciri Nasiri", "الناصري", "MSI"), ("Hakimi", "Hakimi", "الحكيمي", "M"),
    ("Azizi", "Azizi", "العزيزي", "MDTSI"), ("Salihi Salhi", "Salhi", "الصالحي", "MDT"),
    ("Hamzawi", "Hamzaoui", "الحمزاوي", "MDT"), ("Hamdani", "Hamdani", "الحمداني", "MDTSI"),
    ("Alami", "Alami", "العلمي", "M"), ("Kattani", "Kettani", "الكتاني", "M"),
    ("Sabti", "Sebti", "السبتي", "M"), ("Filali", "Filali", "الفيلالي", "M"),
    ("Hashimi", "Hachimi", "الهاشمي", "MSI"), ("Zayani Ziani", "Ziani", "الزياني", "MD"),
    ("Masudi", "Messaoudi", "المسعودي", "DT"), ("Mubaraki", "Mebarki", "المباركي", "D"),
    ("Haddadi", "Haddadi", "الحدادي", "DM"), ("Shaykhi", "Chikhi", "الشيخي", "D"),
    ("Zawari", "Zouari", "الزواري", "T"), ("Mathluthi", "Mathlouthi", "المثلوثي", "T"),
    ("Nasri", "Nasri", "النصري", "T"), ("Awni", "Ouni", "العوني", "T"),
    ("Kafi", "Kefi", "الكافي", "T"), ("Tlili", "Tlili", "التليلي", "T"),
    ("Ghanimi", "Ghanmi", "الغانمي", "T"), ("Salmi", "Selmi", "السالمي", "T"),
    ("Farshishi", "Ferchichi", "الفرشيشي", "T"), ("Arfawi", "Arfaoui", "العرفاوي", "T"),
    ("Rizqi", "Rezgui", "الرزقي", "T"), ("Khalifi", "Khelifi", "الخليفي", "TD"),
    ("Jaziri", "Jaziri Djaziri", "الجزيري", "T"), ("Qaysi", "Qaissi Kaissi", "القيسي", "I"),
    ("Khafaji", "Khafaji", "الخفاجي", "I"), ("Mashhadani", "Mashhadani", "المشهداني", "I"),
    ("Bayati", "Bayati", "البياتي", "I"), ("Rubai", "Rubaie Rubaii", "الربيعي", "I"),
    ("Maliki", "Maliki", "المالكي", "I"), ("Karbuli", "Karbouli", "الكربولي", "I"),
    ("Jabiri Jabri", "Jabri", "الجابري", "S"), ("Mardini", "Mardini", "المارديني", "S"),
    ("Hijazi", "Hijazi Hidjazi", "الحجازي", "S"), ("Kurdi", "Kurdi Kourdi", "الكردي", "SI"),
    ("Hamadi", "Hamadi", "الحمادي", "IS"), ("Sudani", "Soudani", "السوداني", "I"),
]
# "Ben X", "Ait X", "Ould X" (son / house of X) and the Levantine "al-X" from a father's name.
PATRONYMIC_FAMILIES = {
    "Ben": (["Ahmed", "Youssef", "Omar", "Hassan", "Ibrahim", "Moussa", "Yahya", "Mansur",
             "Hamza", "Mustafa", "Hamid", "Khalid", "Ismail", "Idris", "Abdelkader", "Othman",
             "Nasser", "Ammar"], "بن ", "MDT"),
    "Ait": (["Ahmed", "Ibrahim", "Ali", "Said", "Omar", "Moussa", "Hassan", "Idris"], "آيت ", "M"),
    "Ould": (["Ahmed", "Ali", "Ibrahim", "Muhammad"], "ولد ", "MD"),
    "al": (["Ahmed", "Hussein", "Ali", "Hassan", "Omar", "Issa", "Muhammad", "Hamid", "Mustafa",
            "Youssef", "Ibrahim", "Khalid"], "ال", "SI"),
}


def _nisba_family(en, fr, arabic, regions):
    en_stems, fr_stems = _forms(en), _forms(fr)
    f = {
        "en": [f"al-{s}" for s in en_stems] + en_stems + [f"Al {en_stems[0]}"],
        "fr": [f"El {fr_stems[0]}", f"El{fr_stems[0].lower()}"] + fr_stems + [f"El-{fr_stems[0]}"],
        "nl": [f"El {fr_stems[0]}", f"El{fr_stems[0].lower()}", fr_stems[0]],
        "de": [f"El-{fr_stems[0]}", f"Al-{en_stems[0]}", fr_stems[0]],
    }
    return Name("al-" + en_stems[0], arabic, regions, f)


def _patronymic_family(particle, given, arabic_particle, regions):
    g = {conv: given.forms[conv][:2] for conv in CONVENTIONS[:4]}
    if particle == "al":
        f = {"en": [f"al-{x}" for x in g["en"]] + [f"Al {g['en'][0]}"],
             "fr": [f"Al-{g['fr'][0]}", f"El {g['fr'][0]}", f"Al{g['fr'][0].lower()}"],
             "nl": [f"Al-{g['nl'][0]}", f"Al{g['nl'][0].lower()}", f"Al {g['nl'][0]}"],
             "de": [f"Al-{g['de'][0]}", f"Al {g['de'][0]}"]}
        arabic = "ال" + given.arabic.replace("أ", "ا", 1) if given.arabic.startswith("أ") else "ال" + given.arabic
        if given.key == "Muhammad":
            arabic = "المحمد"
        return Name(f"al-{given.key}", arabic, regions, f)
    en_particle = {"Ben": "bin", "Ait": "Ait", "Ould": "Ould"}[particle]
    fused = lambda x: particle + x.replace(" ", "").lower()  # Benahmed, Aitbrahim
    f = {"en": [f"{en_particle} {x}" for x in g["en"]] + [f"{particle} {g['en'][0]}"],
         "fr": [f"{particle} {g['fr'][0]}", fused(g["fr"][0]), f"{particle}-{g['fr'][0]}"]
               + ([f"Aït {g['fr'][0]}"] if particle == "Ait" else []),
         "nl": [f"{particle} {g['nl'][0]}", fused(g["nl"][0])],
         "de": [f"{particle} {g['de'][0]}", fused(g["de"][0])]}
    return Name(f"{particle} {given.key}", arabic_particle + given.arabic, regions, f)


EUROPEAN_SURNAMES = {
    "NL": "van_den_Berg de_Vries Jansen Bakker Visser de_Jong van_Dijk Mulder Smit Meijer de_Boer "
          "Bos Vos Peters Hendriks van_Leeuwen Dekker Brouwer de_Wit Dijkstra Smits de_Graaf "
          "van_der_Meer van_der_Linden Kok Jacobs de_Haan Vermeulen van_den_Heuvel van_der_Veen "
          "van_den_Broek de_Bruijn de_Groot Schouten Willems van_Beek Verhoeven Koster Prins "
          "Huisman Post Kuipers van_Vliet Wouters",
    "BE": "Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De_Smet Dubois "
          "Lambert Dupont Martin Van_Damme Vermeulen Hermans Aerts Michiels Lemaire Leroy Renard "
          "Simon Laurent Dumont De_Clercq Van_den_Bossche Verstraete Pauwels Lejeune Dewulf",
    "FR": "Martin Bernard Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre "
          "Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau "
          "Vincent Muller Faure André Mercier Blanc Guérin Boyer Garnier Chevalier Clément "
          "Gauthier Perrin Robin",
    "DE": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
          "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
          "Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Köhler Herrmann König "
          "Walter Kaiser Fuchs Peters Lang Scholz",
    "GB": "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
          "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood "
          "Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen",
}
# Arabic for converts' names where a clerk's usual spelling is known; the others transliterated.
EUROPEAN_ARABIC = {
    "Anna": "آنا", "Bakker": "باكر", "Becker": "بيكر", "Bernard": "برنار", "Bram": "برام",
    "Brown": "براون", "Charlotte": "شارلوت", "Christian": "كريستيان", "Daan": "دان",
    "Daniel": "دانيال", "David": "ديفيد", "De Smet": "دي سميت", "Dennis": "دينيس",
    "Dubois": "دوبوا", "Dupont": "دوبون", "Emilie": "إميلي", "Evans": "إيفانز",
    "Fischer": "فيشر", "Florian": "فلوريان", "Fournier": "فورنييه", "Girard": "جيرار",
    "Hans": "هانس", "Jack": "جاك", "James": "جيمس", "Jan": "يان", "Jansen": "يانسن",
    "Janssens": "يانسنس", "Jean": "جان", "Jeroen": "يرون", "Jessica": "جيسيكا",
    "Johannes": "يوهانس", "John": "جون", "Jonathan": "جوناثان", "Jones": "جونز", "Julie": "جولي",
    "Julien": "جوليان", "Kees": "كيس", "Kevin": "كيفن", "Klaus": "كلاوس", "Lambert": "لامبير",
    "Laura": "لورا", "Lefebvre": "لوفيفر", "Lisa": "ليزا", "Luc": "لوك", "Lucas": "لوكاس",
    "Maes": "ماس", "Marc": "مارك", "Marco": "ماركو", "Marie": "ماري", "Martin": "مارتن",
    "Maxime": "ماكسيم", "Michael": "مايكل", "Moreau": "مورو", "Mulder": "مولدر",
    "Müller": "مولر", "Nicolas": "نيكولا", "Peeters": "بيترز", "Peter": "بيتر",
    "Philippe": "فيليب", "Pierre": "بيير", "Pieter": "بيتر", "Richard": "ريتشارد",
    "Robert": "روبرت", "Romain": "رومان", "Sabine": "سابين", "Sander": "ساندر", "Sanne": "سانه",
    "Schmidt": "شميت", "Schneider": "شنايدر", "Smith": "سميث", "Sophie": "صوفي",
    "Stefan": "ستيفان", "Sven": "سفين", "Taylor": "تايلور", "Thomas": "توماس",
    "Van Damme": "فان دام", "Visser": "فيسر", "Walker": "ووكر", "Weber": "فيبر", "Wim": "فيم",
    "de Jong": "دي يونغ", "de Vries": "دي فريس", "van Dijk": "فان دايك",
    "van den Berg": "فان دن بيرغ",
}
UMLAUTS = str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss"})
ACCENTS = str.maketrans("éèëêïîôöüûàâçÉ", "eeeeiioouuaacE")


def _latin_to_arabic(name, lang):
    """What an Arabic-writing clerk makes of a European name: long vowels for the sounded ones,
    digraphs by their sound in the name's language, silent French endings dropped."""
    out = []
    for word in name.lower().replace("-", " ").split():
        w = word.translate(ACCENTS) if lang != "de" else word
        if lang == "fr":
            w = w.replace("eau", "o").replace("oi", "wa")
            if len(w) > 3 and w[-1] in "stdx":
                w = w[:-1]
        if lang in ("fr", "en") and len(w) > 3 and w.endswith("e"):
            w = w[:-1]
        digraphs = [("sch", "ش"), ("tch", "تش"), ("ch", "خ" if lang in ("de", "nl") else "ش"),
                    ("sh", "ش"), ("th", "ت"), ("ph", "ف"), ("ck", "ك"), ("ij", "اي"),
                    ("ei", "اي"), ("ey", "اي"), ("ai", "اي"), ("ay", "اي"), ("au", "او"),
                    ("ou", "و"), ("oe", "و"), ("oo", "و"), ("ee", "ي"), ("ie", "ي"), ("eu", "و"),
                    ("ue", "و"), ("aa", "ا"), ("qu", "ك"), ("gu", "غ"), ("ß", "س"), ("ü", "و"),
                    ("ö", "و"), ("ä", "ي")]
        single = {"a": "ا", "b": "ب", "c": "ك", "d": "د", "f": "ف", "g": "خ" if lang == "nl" else "غ",
                  "h": "ه", "i": "ي", "j": "ي" if lang in ("nl", "de") else "ج", "k": "ك",
                  "l": "ل", "m": "م", "n": "ن", "o": "و", "p": "ب", "q": "ك", "r": "ر", "s": "س",
                  "t": "ت", "u": "و", "v": "ف", "w": "ف" if lang in ("nl", "de") else "و",
                  "x": "كس", "y": "ي", "z": "تس" if lang == "de" else "ز"}
        ar, i, seen_vowel = "", 0, False
        while i < len(w):
            if i + 1 < len(w) and w[i] == w[i + 1] and w[i] not in "aeiou":
                i += 1  # a doubled consonant is written once
                continue
            for latin, arabic in digraphs:
                if w.startswith(latin, i):
                    ar += ("ا" if i == 0 and latin[0] in "aeiou" else "") + arabic
                    seen_vowel |= latin[0] in "aeiouyüöä"
                    i += len(latin)
                    break
            else:
                c = w[i]
                if c == "e":
                    # the first e is sounded long (Peter, Dennis); later ones mostly not (Becker)
                    ar += ("ا" if i == 0 else "") + ("" if seen_vowel else "ي")
                elif c in "aiou" and i == 0:
                    ar += "ا" + ("" if c == "a" else single[c])
                else:
                    ar += single.get(c, "")
                seen_vowel |= c in "aeiouy"
                i += 1
        out.append(ar)
    return " ".join(out)


# Belgian names from Wallonia and Brussels; the other Belgian names are Flemish.
BELGIAN_FRENCH = set("""Pierre Nicolas Julien Maxime Jonathan Lucas Gilles Loïc Benoît Cédric Jérôme
    Michaël Olivier Emilie Julie Marie Manon Céline Charlotte Jean Philippe Marc Luc Patrick Dubois
    Lambert Dupont Martin Lemaire Leroy Renard Simon Laurent Dumont Lejeune""".split())


def _european_name(latin, country):
    lang = {"GB": "en", "FR": "fr", "NL": "nl", "DE": "de"}.get(country) or (
        "fr" if latin in BELGIAN_FRENCH else "nl")
    variants = [latin]
    folded = latin.translate(UMLAUTS)
    if folded != latin:
        variants += [folded, latin.translate(str.maketrans("üöä", "uoa"))]
    words = latin.split()
    if len(words) > 1:  # particles: "van den Berg", "Van Den Berg", "Vandenberg"
        variants += [" ".join(w.capitalize() for w in words), "".join(words).capitalize()]
    forms = {conv: variants for conv in CONVENTIONS[:4]}
    return Name(latin, EUROPEAN_ARABIC.get(latin) or _latin_to_arabic(latin, lang), country, forms)


def _european_pool(country, index):
    names = EUROPEAN_GIVEN[country][index].split()
    return [_european_name(n, country) for n in names]


EUROPEAN_MALE = [n for c in EUROPEAN_GIVEN for n in _european_pool(c, 0)]
EUROPEAN_FEMALE = [n for c in EUROPEAN_GIVEN for n in _european_pool(c, 1)]
EUROPEAN_FATHER = [n for c in EUROPEAN_GIVEN for n in _european_pool(c, 2)]
# Real surname diversity is far wider than any hand list: each language's usual ways of making
# a surname (particles, compounds, suffixes) widen the pool so that two converts share a name
# about as rarely as they would in life.
SURNAME_PATTERNS = {
    "NL": (["van ", "van de ", "van der ", "van den ", "ter ", "de "],
           "Berg Dijk Veen Meer Linden Broek Heuvel Beek Bosch Hoek Wal Zand Kamp Laan Vliet "
           "Horst Brink Akker Velde Leeuwen Graaf Wijk Pol Steen Ven Hout Dam Schoot Hoeven",
           []),
    "BE": (["Van ", "Vanden", "De ", "Ver", "Le ", "Du"],
           "Acker Broeck Haegen Bossche Poel Mol Wilde Backer Clerck Roo Vos Moortel Hecke "
           "Velde Meulen Straete Haeghe",
           []),
    "FR": (["Le ", "Le", "Du", "De la ", "Dela", ""],
           "Blanc Brun Roux Bois Pont Moulin Chêne Marchand Fontaine Berger Roy Comte Clerc Gall "
           "Goff Bihan Page Breton Grand Febvre",
           []),
    "DE": (["Stein", "Neu", "Rosen", "Holz", "Linden", "Eichen", "Brand", "Hoch", "Wald",
            "Kirch", "Bach", "Schön"],
           "", ["mann", "berger", "hauser", "meier", "müller", "bach", "feld", "hof", "er"]),
    "GB": (["Ash", "Brad", "Stan", "Wood", "Hart", "Brook", "Mill", "Ham", "Whit", "Shel",
            "Crow", "Ful", "Nor", "Her", "Kings", "Bur"],
           "", ["son", "ton", "ley", "ford", "field", "wood", "by", "well"]),
}


def _compound_surnames(country):
    heads, roots, tails = SURNAME_PATTERNS[country]
    if roots:  # a particle written on ("Lefebvre", "Vandenbroeck") makes the root lower case
        return [h + (r if h.endswith(" ") else r.lower()) for h in heads for r in roots.split()]
    return [h + t for h in heads for t in tails]


EUROPEAN_FAMILY = [_european_name(s.replace("_", " "), c)
                   for c, names in EUROPEAN_SURNAMES.items() for s in names.split()]
EUROPEAN_FAMILY += [_european_name(s, c) for c in SURNAME_PATTERNS for s in _compound_surnames(c)
                    if s not in EUROPEAN_SURNAMES[c].replace("_", " ").split()]

MALE_BY_KEY = {n.key: n for n in MALE}
FEMALE_BY_KEY = {n.key: n for n in FEMALE}
FAMILY += [_nisba_family(*t) for t in TOWN_NISBAS]
for _particle, (_keys, _ar, _regions) in PATRONYMIC_FAMILIES.items():
    FAMILY += [_patronymic_family(_particle, MALE_BY_KEY[k], _ar, _regions) for k in _keys]

# Kunyas: "Abu X" (father of X) or "Umm X", then a nisba of the country the person came from.
KUNYA_NAMES = _table("""
Hamza | حمزة | | Hamza Hamzah
Muhammad | محمد | | Muhammad Mohammed Mohamed
Abdullah | عبد الله | | Abdullah Abdallah
Umar | عمر | | Umar Omar
Yusuf | يوسف | | Yusuf Youssef
Ibrahim | إبراهيم | | Ibrahim Brahim
Talha | طلحة | | Talha Talhah Telha
Musab | مصعب | | Musab Mus'ab Mousaab
Ubayda | عبيدة | | Ubayda Ubaidah Obeida Oubaida
Qatada | قتادة | | Qatada Qatadah Katada
Dujana | دجانة | | Dujana Dujanah Doujana
Hafs | حفص | | Hafs
Khalid | خالد | | Khalid Khaled
Zubayr | الزبير | | Zubayr Zubair Zoubeir
Bakr | بكر | | Bakr Baker
Suleiman | سليمان | | Suleiman Sulayman Souleymane
Anas | أنس | | Anas
Hudhayfa | حذيفة | | Hudhayfa Hudhaifa Houdheifa Hudaifa
Salman | سلمان | | Salman Salmane
Ayyub | أيوب | | Ayyub Ayoub
Yahya | يحيى | | Yahya Yahia
Muadh | معاذ | | Muadh Muath Mouad Moaz
Jandal | جندل | | Jandal Djandal
Imran | عمران | | Imran Imrane Omran
""")
UMM_NAMES = _table("""
Hamza | حمزة | | Hamza Hamzah
Muhammad | محمد | | Muhammad Mohammed
Yusuf | يوسف | | Yusuf Youssef
Abdullah | عبد الله | | Abdullah Abdallah
Khalid | خالد | | Khalid Khaled
Aisha | عائشة | | Aisha Aicha
Maryam | مريم | | Maryam Mariam
Ibrahim | إبراهيم | | Ibrahim
Sumayya | سمية | | Sumayya Soumaya
Talha | طلحة | | Talha
""")
NISBAS = {  # country -> (Arabic, Latin stems)
    "BE": ("البلجيكي", "Belgiki Beljiki Baljiki Belgiky"),
    "NL": ("الهولندي", "Hollandi Holandi Hulandi"),
    "FR": ("الفرنسي", "Faransi Firansi Fransi Faranci"),
    "DE": ("الألماني", "Almani Elmani Almaani"),
    "GB": ("البريطاني", "Britani Baritani Brittani"),
    "MA": ("المغربي", "Maghribi Maghrebi Magribi"),
    "DZ": ("الجزائري", "Jazairi Djazairi Jazaeri"),
    "TN": ("التونسي", "Tunisi Tounsi Tunsi"),
    "SY": ("الشامي", "Shami Chami"),
    "IQ": ("العراقي", "Iraqi Iraki"),
    "RU": ("الشيشاني", "Shishani Chechani Shishany"),
}

# Places of birth: (Arabic, English, French, Dutch, German); a cell may list several spellings.
PLACES = {
    "BE": [("بروكسل", "Brussels", "Bruxelles", "Brussel", "Brüssel"),
           ("مولنبيك", "Molenbeek", "Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek", "Molenbeek"),
           ("أنتويرب", "Antwerp", "Anvers", "Antwerpen", "Antwerpen"),
           ("فيلفورد", "Vilvoorde", "Vilvorde", "Vilvoorde", "Vilvoorde"),
           ("لييج", "Liege", "Liège", "Luik", "Lüttich"),
           ("شارلروا", "Charleroi", "Charleroi", "Charleroi", "Charleroi")],
    "NL": [("أمستردام", "Amsterdam", "Amsterdam", "Amsterdam", "Amsterdam"),
           ("روتردام", "Rotterdam", "Rotterdam", "Rotterdam", "Rotterdam"),
           ("لاهاي", "The Hague", "La Haye", "Den Haag|'s-Gravenhage", "Den Haag"),
           ("أوترخت", "Utrecht", "Utrecht", "Utrecht", "Utrecht"),
           ("دلفت", "Delft", "Delft", "Delft", "Delft"),
           ("أرنهيم", "Arnhem", "Arnhem", "Arnhem", "Arnheim")],
    "FR": [("باريس", "Paris", "Paris", "Parijs", "Paris"),
           ("ليون", "Lyon", "Lyon", "Lyon", "Lyon"),
           ("مرسيليا", "Marseille", "Marseille", "Marseille", "Marseille"),
           ("تولوز", "Toulouse", "Toulouse", "Toulouse", "Toulouse"),
           ("ليل", "Lille", "Lille", "Rijsel", "Lille"),
           ("روبيه", "Roubaix", "Roubaix", "Robaais", "Roubaix"),
           ("ستراسبورغ", "Strasbourg", "Strasbourg", "Straatsburg", "Straßburg"),
           ("نيس", "Nice", "Nice", "Nice", "Nizza"),
           ("تراب", "Trappes", "Trappes", "Trappes", "Trappes")],
    "DE": [("برلين", "Berlin", "Berlin", "Berlijn", "Berlin"),
           ("هامبورغ", "Hamburg", "Hambourg", "Hamburg", "Hamburg"),
           ("فرانكفورت", "Frankfurt", "Francfort", "Frankfurt", "Frankfurt am Main"),
           ("بون", "Bonn", "Bonn", "Bonn", "Bonn"),
           ("دينسلاكن", "Dinslaken", "Dinslaken", "Dinslaken", "Dinslaken"),
           ("فولفسبورغ", "Wolfsburg", "Wolfsburg", "Wolfsburg", "Wolfsburg"),
           ("زولينغن", "Solingen", "Solingen", "Solingen", "Solingen")],
    "GB": [("لندن", "London", "Londres", "Londen", "London"),
           ("برمنغهام", "Birmingham", "Birmingham", "Birmingham", "Birmingham"),
           ("مانشستر", "Manchester", "Manchester", "Manchester", "Manchester"),
           ("كارديف", "Cardiff", "Cardiff", "Cardiff", "Cardiff"),
           ("بورتسموث", "Portsmouth", "Portsmouth", "Portsmouth", "Portsmouth"),
           ("برايتون", "Brighton", "Brighton", "Brighton", "Brighton")],
    "MA": [("الناظور", "Nador", "Nador", "Nador", "Nador"),
           ("طنجة", "Tangier", "Tanger", "Tanger", "Tanger"),
           ("الحسيمة", "Al Hoceima", "Al Hoceïma|Alhoceima", "Al Hoceima", "Al Hoceima"),
           ("الدار البيضاء", "Casablanca", "Casablanca", "Casablanca", "Casablanca"),
           ("وجدة", "Oujda", "Oujda", "Oujda", "Oudschda"),
           ("تطوان", "Tetouan", "Tétouan", "Tetouan", "Tetuan"),
           ("فاس", "Fez", "Fès", "Fez", "Fès")],
    "DZ": [("الجزائر", "Algiers", "Alger", "Algiers", "Algier"),
           ("وهران", "Oran", "Oran", "Oran", "Oran"),
           ("قسنطينة", "Constantine", "Constantine", "Constantine", "Constantine"),
           ("تلمسان", "Tlemcen", "Tlemcen", "Tlemcen", "Tlemcen")],
    "TN": [("تونس", "Tunis", "Tunis", "Tunis", "Tunis"),
           ("سوسة", "Sousse", "Sousse", "Sousse", "Sousse"),
           ("بنزرت", "Bizerte", "Bizerte", "Bizerte", "Bizerta"),
           ("بن قردان", "Ben Gardane", "Ben Guerdane", "Ben Gardane", "Ben Gardane"),
           ("القيروان", "Kairouan", "Kairouan", "Kairouan", "Kairouan")],
    "SY": [("حلب", "Aleppo", "Alep", "Aleppo", "Aleppo"),
           ("حمص", "Homs", "Homs", "Homs", "Homs"),
           ("دمشق", "Damascus", "Damas", "Damascus", "Damaskus"),
           ("دير الزور", "Deir ez-Zor", "Deir ez-Zor|Deir Ezzor", "Deir ez-Zor", "Deir ez-Zor"),
           ("الرقة", "Raqqa", "Raqqa|Rakka", "Raqqa", "Rakka")],
    "IQ": [("بغداد", "Baghdad", "Bagdad", "Bagdad", "Bagdad"),
           ("الموصل", "Mosul", "Mossoul", "Mosul", "Mossul"),
           ("الفلوجة", "Fallujah", "Falloujah", "Fallujah", "Falludscha"),
           ("تكريت", "Tikrit", "Tikrit", "Tikrit", "Tikrit"),
           ("كركوك", "Kirkuk", "Kirkouk", "Kirkuk", "Kirkuk")],
    "RU": [("غروزني", "Grozny", "Grozny", "Grozny", "Grosny"),
           ("أرغون", "Argun", "Argoun", "Argoen", "Argun"),
           ("أوروس مارتان", "Urus-Martan", "Ourous-Martan", "Oeroes-Martan", "Urus-Martan"),
           ("غوديرميس", "Gudermes", "Goudermes", "Goedermes", "Gudermes")],
}
ORIGIN_COUNTRY = {"M": "MA", "D": "DZ", "T": "TN", "S": "SY", "I": "IQ", "C": "RU"}

# Nationality as a camp clerk writes it: English adjective, English country, Arabic adjective,
# Arabic country.
CLERK_NATIONALITY = {
    "BE": ("Belgian", "Belgium", "بلجيكي", "بلجيكا"),
    "NL": ("Dutch", "Holland", "هولندي", "هولندا"),
    "FR": ("French", "France", "فرنسي", "فرنسا"),
    "DE": ("German", "Germany", "ألماني", "ألمانيا"),
    "GB": ("British", "UK", "بريطاني", "بريطانيا"),
    "MA": ("Moroccan", "Morocco", "مغربي", "المغرب"),
    "DZ": ("Algerian", "Algeria", "جزائري", "الجزائر"),
    "TN": ("Tunisian", "Tunisia", "تونسي", "تونس"),
    "SY": ("Syrian", "Syria", "سوري", "سوريا"),
    "IQ": ("Iraqi", "Iraq", "عراقي", "العراق"),
    "RU": ("Russian", "Russia", "روسي", "روسيا"),
}
# Nationality on the national lists: the list's own, then a second one of origin.
LIST_NATIONALITY = {"NL": ["NL", "Nederlandse", "NLD"], "BE": ["BE", "Belge", "BEL"],
                    "FR": ["FR", "Française", "FRA"], "DE": ["DE", "DEU", "German"],
                    "GB": ["GBR", "British", "GB"]}
SECOND_NATIONALITY = {
    "fr": {"MA": "Marocaine", "DZ": "Algérienne", "TN": "Tunisienne", "SY": "Syrienne",
           "IQ": "Irakienne", "RU": "Russe"},
    "nl": {"MA": "Marokkaanse", "DZ": "Algerijnse", "TN": "Tunesische", "SY": "Syrische",
           "IQ": "Iraakse", "RU": "Russische"},
    "en": {"MA": "Moroccan", "DZ": "Algerian", "TN": "Tunisian", "SY": "Syrian", "IQ": "Iraqi",
           "RU": "Russian"},
}
SECOND_NATIONALITY["de"] = SECOND_NATIONALITY["en"]

# Who travelled from each country (share of each origin), and the size of each national list.
ORIGIN_MIX = {
    "FR": {"D": .30, "M": .20, "T": .15, "E": .20, "C": .07, "S": .04, "I": .04},
    "BE": {"M": .55, "E": .15, "T": .08, "D": .05, "C": .10, "S": .04, "I": .03},
    "NL": {"M": .55, "E": .17, "T": .04, "D": .02, "C": .04, "S": .09, "I": .09},
    "DE": {"E": .18, "C": .14, "S": .17, "I": .14, "M": .13, "T": .13, "D": .04},
    "GB": {"E": .18, "I": .20, "S": .19, "M": .13, "D": .13, "T": .06, "C": .05},
}
LIST_SHARE = {"FR": .35, "DE": .22, "GB": .18, "BE": .13, "NL": .12}
# Detainees who are on no European list: nationals of the region and of other countries.
LOCAL_MIX = {"TN": .25, "IQ": .20, "MA": .15, "SY": .12, "RU": .12, "DZ": .08, "EG": .08}
LOCAL_REGION = {"TN": "T", "IQ": "I", "MA": "M", "SY": "S", "RU": "C", "DZ": "D", "EG": "S"}
CLERK_NATIONALITY["EG"] = ("Egyptian", "Egypt", "مصري", "مصر")
NISBAS["EG"] = ("المصري", "Masri Misri")
PLACES["EG"] = [("القاهرة", "Cairo", "Le Caire", "Caïro", "Kairo"),
                ("الإسكندرية", "Alexandria", "Alexandrie", "Alexandrië", "Alexandria")]


# ---------------------------------------------------------------------------------------------
# Sampling helpers.

def _zipf(items, s):
    return [1.0 / (rank + 1) ** s for rank in range(len(items))]


def _weighted(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _pick_mix(rng, mix):
    return _weighted(rng, list(mix), list(mix.values()))


class Pools:
    """Name pools per region, with Zipf weights: the first names of each list the commonest."""

    def __init__(self):
        self.male, self.female, self.family, self.fathers = {}, {}, {}, {}
        for region in "MDTSIC":
            if region == "C":
                male = [MALE_BY_KEY[k] for k in CHECHEN_MALE_ORDER]
                female = [FEMALE_BY_KEY[k] for k in CHECHEN_FEMALE_ORDER]
            else:
                male = [n for n in MALE if region in n.regions]
                female = [n for n in FEMALE if region in n.regions]
            mw = _zipf(male, 0.8)
            mw[0] *= 1.3  # Mohammed is far ahead of every other name (about one man in six)
            self.male[region] = (male, mw)
            self.female[region] = (female, _zipf(female, 0.9))
            fam = [n for n in FAMILY if region in n.regions]
            # family names are far more varied than own names: a flat tail, the commonest ~3 %
            self.family[region] = (fam, _zipf(fam, 0.3))
            self.fathers[region] = self.male[region]
        for country in LIST_SHARE:
            for pool, table in ((self.male, EUROPEAN_MALE), (self.female, EUROPEAN_FEMALE),
                                (self.family, EUROPEAN_FAMILY), (self.fathers, EUROPEAN_FATHER)):
                items = [n for n in table if country in n.regions.split()]
                pool["E" + country] = (items, [1.0] * len(items))

    def draw(self, pool, region, rng, exclude=()):
        items, weights = pool[region]
        while True:
            n = _weighted(rng, items, weights)
            if n.key not in exclude:
                return n


POOLS = Pools()

# ---------------------------------------------------------------------------------------------
# Persons and families.


@dataclass
class Family:
    region: str            # M D T S I C, or E + country for converts
    home: str              # country whose list (or nationality) the family belongs to
    surname: Name
    father: Name
    grandfather: Name
    birth_places: list     # the towns the children were born in
    mother: Name
    children: set = field(default_factory=set)  # own names given, never twice in one family


@dataclass
class Person:
    fam: Family
    female: bool
    given: Name
    dob: tuple             # (year, month, day); month and day None when never registered
    birth_place: tuple
    passport: str
    kunya: tuple           # (Name, country of the nisba) or None
    second_nationality: str = ""
    given2: Name = None    # a Moroccan double name: Mohamed Amine
    muslim_name: Name = None  # a convert's name among the other detainees
    city: str = ""


def _passport(rng, country):
    digits = "0123456789"
    letters = "ABCDEFGHIJKLMNPRSTUVWXYZ"
    if country == "NL":  # nine characters, no letter O
        return "N" + "".join(rng.choice(letters) for _ in range(2)) + "".join(
            rng.choice(letters + digits) for _ in range(5)) + rng.choice(digits)
    if country == "BE":
        return "E" + rng.choice(letters) + "".join(rng.choice(digits) for _ in range(6))
    if country == "FR":
        return "".join(rng.choice(digits) for _ in range(2)) + "".join(
            rng.choice(letters) for _ in range(2)) + "".join(rng.choice(digits) for _ in range(5))
    if country == "DE":
        return "C" + "".join(rng.choice("CFGHJKLMNPRTVWXYZ0123456789") for _ in range(8))
    if country == "GB":
        return "".join(rng.choice(digits) for _ in range(9))
    return "".join(rng.choice(letters) for _ in range(2)) + "".join(rng.choice(digits) for _ in range(7))


def _new_family(rng, home, region):
    if region == "E":
        region = "E" + home
        father = POOLS.draw(POOLS.fathers, region, rng)
        grandfather = POOLS.draw(POOLS.fathers, region, rng)
        mother = POOLS.draw(POOLS.female, region, rng)
        places = [rng.choice(PLACES[home])]
    else:
        father = POOLS.draw(POOLS.male, region, rng)
        grandfather = POOLS.draw(POOLS.male, region, rng, exclude={father.key})
        mother = POOLS.draw(POOLS.female, region, rng)
        origin = ORIGIN_COUNTRY[region] if home in LIST_SHARE else home
        # Syrian, Iraqi and Chechen travellers were mostly born abroad; Maghrebi ones in Europe.
        abroad = {"S": .8, "I": .8, "C": .85}.get(region, .35) if home in LIST_SHARE else 1.0
        town_country = origin if rng.random() < abroad else home
        places = [rng.choice(PLACES[town_country])]
        if rng.random() < 0.25:  # the family moved between children
            places.append(rng.choice(PLACES[home if town_country != home else origin]))
    surname = POOLS.draw(POOLS.family, region, rng)
    return Family(region, home, surname, father, grandfather, places, mother)


def _dob(rng, female, near=None, gap=(1, 10)):
    if near is None:
        year = int(rng.triangular(1978, 2003, 1994) if female else rng.triangular(1970, 2002, 1991))
    else:
        year = near + rng.choice((-1, 1)) * rng.randint(*gap)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28 if month == 2 else 30)
    return (year, month, day)


def _new_person(rng, fam, female=None, exclude=(), dob=None):
    if female is None:
        female = rng.random() < 0.15
    region = fam.region
    exclude = set(exclude) | fam.children
    if female:
        given = POOLS.draw(POOLS.female, region, rng, exclude=exclude)
    elif region[0] != "E" and rng.random() < 0.12 and fam.grandfather.key not in exclude:
        given = fam.grandfather  # a son named after his grandfather
    else:
        given = POOLS.draw(POOLS.male, region, rng, exclude=exclude | {fam.father.key})
    fam.children.add(given.key)
    dob = dob or _dob(rng, female)
    if region[0] != "E" and fam.home in LIST_SHARE and rng.random() < 0.06:
        dob = (dob[0], None, None)  # born abroad, only the year ever registered
    home = fam.home
    nisba_country = home
    origin = ORIGIN_COUNTRY.get(region, home) if region[0] != "E" else home
    if origin != home and rng.random() < 0.35:
        nisba_country = origin
    if region == "C" and rng.random() < 0.7:
        nisba_country = "RU"  # Chechens are "al-Shishani" whatever their passport
    kunya = None
    if rng.random() < 0.7:
        pool = UMM_NAMES if female else KUNYA_NAMES
        kunya = (_weighted(rng, pool, _zipf(pool, 0.8)), nisba_country)
    p = Person(fam=fam, female=female, given=given, dob=dob,
               birth_place=rng.choice(fam.birth_places), passport=_passport(rng, home),
               kunya=kunya)
    if home in LIST_SHARE and region[0] != "E" and rng.random() < 0.35:
        p.second_nationality = origin
    if not female and region in "MDT" and rng.random() < 0.08:
        p.given2 = POOLS.draw(POOLS.male, region, rng, exclude={given.key, fam.father.key})
    if region[0] == "E":
        key = rng.choice(CONVERT_NAMES_FEMALE if female else CONVERT_NAMES_MALE)
        p.muslim_name = FEMALE_BY_KEY[key] if female else MALE_BY_KEY[key]
    if home in LIST_SHARE:
        p.city = rng.choice(PLACES[home])[1]
    return p


def _sibling(rng, p, gap=(1, 10)):
    """A brother (or now and then a sister) of p: same parents and family name, another own name."""
    female = p.female if rng.random() < 0.8 else not p.female
    sib = _new_person(rng, p.fam, female=female, exclude={p.given.key},
                      dob=_dob(rng, female, near=p.dob[0], gap=gap))
    if rng.random() < 0.7:
        sib.birth_place = p.birth_place
    sib.city = p.city if rng.random() < 0.7 else sib.city
    sib.second_nationality = p.second_nationality
    return sib


def _cousin(rng, p):
    """Same grandfather and family name, another father; often named after the grandfather too."""
    fam = Family(p.fam.region, p.fam.home, p.fam.surname,
                 POOLS.draw(POOLS.fathers, p.fam.region, rng, exclude={p.fam.father.key}),
                 p.fam.grandfather, p.fam.birth_places, POOLS.draw(POOLS.female, p.fam.region, rng))
    c = _new_person(rng, fam, female=p.female, dob=_dob(rng, p.female, near=p.dob[0], gap=(0, 8)))
    if p.fam.region[0] != "E" and rng.random() < 0.4:
        c.given = p.given
    return c


def _namesake(rng, p):
    """The same own and family name, another father and grandfather, born years apart."""
    fam = _new_family(rng, p.fam.home if rng.random() < 0.7 else rng.choice(list(LIST_SHARE)),
                      p.fam.region[0])
    fam.surname = p.fam.surname
    fam.region = p.fam.region if p.fam.region[0] != "E" else "E" + fam.home
    n = _new_person(rng, fam, female=p.female, dob=_dob(rng, p.female, near=p.dob[0], gap=(4, 20)))
    n.given = p.given
    return n


def _far_dated(rng, p):
    """Every name the same, the full date 9 or 16 years apart (an uncle and nephew named alike)."""
    q = _new_person(rng, p.fam, female=p.female)
    q.given = p.given
    y, m, d = p.dob
    gap = rng.choice((9, 16)) * rng.choice((-1, 1))
    q.dob = (y + gap, m or rng.randint(1, 12), d or rng.randint(1, 28)) if rng.random() < 0.5 \
        else (y + gap, rng.randint(1, 12), rng.randint(1, 28))
    q.birth_place = p.birth_place
    return q


# ---------------------------------------------------------------------------------------------
# Writing names, dates and the rest as a clerk or a national list would.

ABU_FORMS = ["Abu", "Abu", "Abou", "Aboe", "Abo"]
UMM_FORMS = ["Umm", "Um", "Oum", "Om"]
ARTICLE_FORMS = ["al-", "al-", "Al-", "el-", "al ", "Al "]


def _spell(name, conv, rng):
    forms = name.forms.get(conv) or name.forms["en"]
    if rng.random() < 0.05:
        return rng.choice(name.spellings())  # another country's spelling, copied from a document
    return forms[0] if rng.random() < 0.6 or len(forms) == 1 else rng.choice(forms[1:])


def _russian(s, country):
    """A Russian-document name as each country spells it (Umarov: Oumarov, Umarow, Oemarov)."""
    if country in ("FR", "BE"):
        s = s.replace("u", "ou").replace("oou", "ou").replace("U", "Ou")
    elif country == "NL":
        s = s.replace("kh", "ch").replace("u", "oe").replace("U", "Oe").replace("sh", "sj")
    elif country == "DE":
        s = s.replace("kh", "ch").replace("Kh", "Ch").replace("sh", "sch").replace("zh", "sch")
        s = s.replace("Zh", "Sch")
        if s.endswith("ov") or s.endswith("ev"):
            s = s[:-1] + "w"
        s = s.replace("y", "j")
    return s


def _arabic(s, rng):
    """Clerks' Arabic: hamzas on alef often left out, عبد written on or apart."""
    if rng.random() < 0.35:
        s = s.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    if rng.random() < 0.5:
        s = s.replace("عبد ", "عبد")
    if rng.random() < 0.1:
        s = s.replace("ة", "ه")
    if rng.random() < 0.1:
        s = s.replace("ى", "ي")
    return s


def _kunya(p, script, rng, conv="en"):
    name, country = p.kunya
    ar_nisba, stems = NISBAS[country]
    if script == "ar":
        head = "أم " if p.female else rng.choice(["أبو ", "أبو ", "ابو "])
        return _arabic(head + name.arabic + " " + ar_nisba, rng)
    head = rng.choice(UMM_FORMS if p.female else ABU_FORMS)
    stem = rng.choice(_forms(stems))
    article = rng.choice(ARTICLE_FORMS)
    if rng.random() < 0.1:
        return f"{head} {_spell(name, conv, rng)}"  # the nisba left out
    return f"{head} {_spell(name, conv, rng)} {article}{stem}".replace("- ", "-")


def _typo(s, rng):
    """One slip of the pen or the keyboard: a letter changed, dropped, doubled or two swapped."""
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 4:
        return s
    i = rng.choice(letters[1:])
    op = rng.choice(("sub", "del", "dup", "swap"))
    if op == "sub":
        arabic = "\u0600" <= s[i] <= "\u06ff"
        pool = "بتثنيسشصضدذرز" if arabic else ("aeiou" if s[i].lower() in "aeiou" else "bdfghklmnrst")
        return s[:i] + rng.choice([c for c in pool if c != s[i]] or [s[i]]) + s[i + 1:]
    if op == "del":
        return s[:i] + s[i + 1:]
    if op == "dup":
        return s[:i] + s[i] + s[i:]
    j = i + 1 if i + 1 < len(s) and s[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    return s[:a] + s[b] + s[a] + s[b + 1:]


def _fmt(y, m, d, style):
    if m is None:
        return f"{y}"
    if style == "iso":
        return f"{y:04d}-{m:02d}-{d:02d}"
    sep = {"dmy/": "/", "dmy-": "-", "dmy.": "."}[style]
    return f"{d:02d}{sep}{m:02d}{sep}{y:04d}"


LIST_DATE_STYLE = {"NL": "dmy-", "BE": "dmy/", "FR": "dmy/", "DE": "dmy.", "GB": "iso"}


def _parts_latin(p, conv, country, rng):
    """Own name, father, grandfather and family name in one convention's spelling."""
    region = p.fam.region

    def spell(n):
        if region == "C":
            form = _spell(n, "ru", rng) if n.forms.get("ru") else _spell(n, conv, rng)
            return _russian(form, country) if country else form
        return _spell(n, conv, rng)

    return {"given": spell(p.given), "given2": spell(p.given2) if p.given2 else "",
            "father": spell(p.fam.father), "grandfather": spell(p.fam.grandfather),
            "family": spell(p.fam.surname)}


def _parts_arabic(p, rng):
    return {"given": _arabic(p.given.arabic, rng),
            "given2": _arabic(p.given2.arabic, rng) if p.given2 else "",
            "father": _arabic(p.fam.father.arabic, rng),
            "grandfather": _arabic(p.fam.grandfather.arabic, rng),
            "family": _arabic(p.fam.surname.arabic, rng)}


def clerk_row(p, lid, rng, notes):
    """The camp's row for a detainee."""
    region = p.fam.region
    convert = region[0] == "E"
    share_arabic = 0.2 if convert else 0.25 if region == "C" else 0.45
    script = "ar" if rng.random() < share_arabic else "lat"
    note = [f"script={script}"]
    if script == "ar":
        parts = _parts_arabic(p, rng)
    elif rng.random() < 0.15:
        # copied from the detainee's own European document
        conv = LIST_CONVENTION.get(p.fam.home, rng.choice(("fr", "nl")))
        parts = _parts_latin(p, conv, p.fam.home, rng)
        note.append("spelling=document")
    else:
        parts = _parts_latin(p, "en", None, rng)

    # Arabic order; converts and Chechens usually just own name and family name.
    if convert or region == "C":
        pattern = _weighted(rng, ["GN", "GFN"], [.75, .25])
    else:
        pattern = _weighted(rng, ["GF", "GFG", "GFN", "GFGN", "GN"], [.05, .13, .40, .25, .17])
    given = parts["given"] + (" " + parts["given2"] if parts["given2"] and rng.random() < 0.6 else "")
    seq = [given]
    if "F" in pattern:
        seq.append(("bin " if script == "lat" and rng.random() < 0.06 else "") + parts["father"])
    if pattern.count("G") == 2:
        seq.append(parts["grandfather"])
    if pattern.endswith("N"):
        seq.append(parts["family"])
    civil = " ".join(seq)
    note.append(f"pattern={pattern}")

    aliases = []
    kunya_script = script if rng.random() < 0.8 else ("lat" if script == "ar" else "ar")
    kunya = _kunya(p, kunya_script, rng) if p.kunya else ""
    name = civil
    if kunya and rng.random() < (0.2 if convert else 0.08):
        name, aliases = kunya, [civil]  # known in the camp by the kunya alone
        note.append("kunya_as_name")
    elif kunya and rng.random() < 0.75:
        aliases.append(kunya)
    if convert and rng.random() < 0.15 and name == civil:
        mn = p.muslim_name.arabic if script == "ar" else _spell(p.muslim_name, "en", rng)
        name = f"{mn} {parts['family']}"  # the Muslim name he took, with the family name
        note.append("convert_muslim_name")

    row = {"id": lid, "name": name, "aliases": ";".join(aliases)}

    # Date of birth: the clerk wrote what the detainee said, or guessed.
    y, m, d = p.dob
    kind = _weighted(rng, ["full", "year", "jan1", "zeros", "age", "none"],
                     [.35, .28, .12, .05, .05, .15])
    if m is None and kind == "full":
        kind = "jan1"
    if kind == "full":
        row["birth_date"] = _fmt(y, m, d, _weighted(rng, ["dmy/", "iso", "dmy-"], [.6, .25, .15]))
    elif kind == "year":
        row["birth_date"] = str(y)
    elif kind == "jan1":
        row["birth_date"] = rng.choice([f"01/01/{y}", f"{y}-01-01", f"1/1/{y}"])
    elif kind == "zeros":
        row["birth_date"] = rng.choice([f"00/00/{y}", f"{y}-00-00"])
    elif kind == "age":
        # age given at registration in 2019: the year is one off when the birthday was still to come
        row["birth_date"] = str(y - 1 if m and m > 6 and rng.random() < 0.5 else y)
    else:
        row["birth_date"] = ""
    note.append(f"date={kind}")

    # Nationality: the passport's, or the origin the detainee gave; in the row's script mostly.
    nat_country = p.fam.home
    origin = ORIGIN_COUNTRY.get(region, p.fam.home) if not convert else p.fam.home
    if origin != p.fam.home and rng.random() < 0.25:
        nat_country = origin
    if region == "C" and rng.random() < 0.3:
        row["nationality"] = "Chechen" if script == "lat" else "شيشاني"
    elif rng.random() < 0.1:
        row["nationality"] = ""
    else:
        forms = CLERK_NATIONALITY[nat_country]
        row["nationality"] = rng.choice(forms[2:] if script == "ar" and rng.random() < 0.8 else forms[:2])

    row["gender"] = "" if rng.random() < 0.4 else (
        ("أنثى" if p.female else "ذكر") if script == "ar" and rng.random() < 0.5
        else rng.choice(["F", "female"] if p.female else ["M", "male"]))
    row["father_name"] = ""
    if rng.random() < 0.45:
        row["father_name"] = parts["father"]
        if rng.random() < 0.04:
            row["father_name"] = parts["grandfather"]  # the grandfather written as the father
            note.append("grandfather_as_father")
    row["grandfather_name"] = parts["grandfather"] if rng.random() < 0.1 else ""
    mother = p.fam.mother
    row["mother_name"] = "" if rng.random() < 0.5 else (
        _arabic(mother.arabic, rng) if script == "ar" else _spell(mother, "en", rng))
    row["birth_place"] = ""
    if rng.random() < 0.3:
        ar, en, fr, nl, de = p.birth_place
        row["birth_place"] = ar if script == "ar" and rng.random() < 0.7 else (
            en if rng.random() < 0.8 else fr).split("|")[0]
    row["passport"] = p.passport if rng.random() < 0.1 else ""
    notes[lid] = " ".join(note)
    return row


def national_row(p, rid, country, rng):
    """The row a national list keeps for a traveller."""
    if p.fam.home != country and p.fam.home not in LIST_SHARE:
        raise ValueError("a local detainee is on no European list")
    conv = LIST_CONVENTION.get(country) or ("fr" if rng.random() < 0.65 else "nl")
    parts = _parts_latin(p, conv, country, rng)
    given = parts["given"] + (" " + parts["given2"] if parts["given2"] else "")
    family = parts["family"]
    style = _weighted(rng, ["Given FAMILY", "FAMILY, Given", "Given Family", "Family, Given"],
                      [.35, .25, .3, .1])
    particle_words = ("van ", "de ", "van den ", "Van ", "De ")
    if conv == "nl" and any(family.startswith(w) for w in particle_words) and rng.random() < 0.5:
        # Dutch sorting: "Berg, Bram van den"
        words = family.split()
        name = f"{words[-1]}, {given} {' '.join(words[:-1])}"
    elif style == "Given FAMILY":
        name = f"{given} {family.upper()}"
    elif style == "FAMILY, Given":
        name = f"{family.upper()}, {given}"
    elif style == "Family, Given":
        name = f"{family}, {given}"
    else:
        name = f"{given} {family}"
    aliases = []
    if p.kunya and rng.random() < 0.35:
        aliases.append(_kunya(p, "lat", rng, conv))
    if p.fam.region[0] == "E" and rng.random() < 0.3:
        aliases.append(_spell(p.muslim_name, conv, rng))
    if rng.random() < 0.08:
        other = _parts_latin(p, conv, country, rng)
        aliases.append(f"{other['given']} {other['family']}")  # another spelling on record
    y, m, d = p.dob
    kind = _weighted(rng, ["full", "year", "none"], [.9, .05, .05])
    if m is None:
        birth_date = f"00-00-{y}" if country == "NL" else _fmt(y, 1, 1, LIST_DATE_STYLE[country])
    elif kind == "full":
        birth_date = _fmt(y, m, d, LIST_DATE_STYLE[country] if rng.random() < 0.85 else "iso")
    elif kind == "year":
        birth_date = str(y)
    else:
        birth_date = ""
    nationality = [rng.choice(LIST_NATIONALITY[country])]
    if p.fam.home != country:
        nationality.append(rng.choice(LIST_NATIONALITY[p.fam.home]))
    if p.second_nationality and rng.random() < 0.7:
        nationality.append(SECOND_NATIONALITY[conv][p.second_nationality]
                           if rng.random() < 0.5 else p.second_nationality)
    place = ""
    if rng.random() < 0.6:
        ar, en, fr, nl, de = p.birth_place
        place = {"en": en, "fr": fr, "nl": nl, "de": de}[conv]
        place = rng.choice(place.split("|"))
    return {"id": rid, "name": name, "aliases": ";".join(aliases), "birth_date": birth_date,
            "birth_place": place, "nationality": ";".join(nationality),
            "gender": "F" if p.female else "M",
            "father_name": _spell(p.fam.father, conv, rng) if rng.random() < (
                .3 if country in ("FR", "BE") else .1) else "",
            "passport": p.passport if rng.random() < 0.5 else "",
            "city": p.city if rng.random() < 0.5 else "", "source": country}


def _clerical_errors(row, rng, note):
    """Slips that separate a true pair's two rows: a typo, a date mistyped or misremembered."""
    if rng.random() < 0.10:
        parts = row["name"].split(" ")
        i = rng.randrange(len(parts))
        parts[i] = _typo(parts[i], rng)
        row["name"] = " ".join(parts)
        note.append("typo_name")
    date = row["birth_date"]
    if len(date) == 10 and date[:2] != "00" and "-00-" not in date:
        y, m, d = (date[:4], date[5:7], date[8:]) if date[4] == "-" else (date[6:], date[3:5], date[:2])
        r = rng.random()
        if r < 0.05 and int(d) <= 12 and d != m:
            m, d = d, m
            note.append("day_month_swapped")
        elif r < 0.10:
            y = str(int(y) + rng.choice((-1, 1)))
            note.append("year_off_by_one")
        elif r < 0.13 and y[2] != y[3]:
            y = y[:2] + y[3] + y[2]
            note.append("year_digits_transposed")
        elif r < 0.15 and d[0] != d[1] and d[0] != "0" and int(d[1] + d[0]) <= 28:
            d = d[1] + d[0]
            note.append("day_digits_transposed")
        row["birth_date"] = f"{y}-{m}-{d}" if date[4] == "-" else f"{d}{date[2]}{m}{date[5]}{y}"
    elif len(date) == 4 and rng.random() < 0.05:
        row["birth_date"] = str(int(date) + rng.choice((-1, 1)))
        note.append("year_off_by_one")


# ---------------------------------------------------------------------------------------------

@dataclass
class Lists:
    left: list
    right: list
    truth: list
    notes: dict = field(default_factory=dict)  # row id or (left, right) -> what it is


def generate(seed, n_left=1000, n_right=20000):
    rng = random.Random(seed)
    n_true = int(n_left * rng.uniform(0.38, 0.52))
    n_european = n_true + int((n_left - n_true) * 0.3)  # detained Europeans on no list
    kinds = ["T"] * n_true + ["E"] * (n_european - n_true) + ["X"] * (n_left - n_european)
    rng.shuffle(kinds)

    detainees = []  # (person, kind)
    for kind in kinds:
        europeans = kind in "TE"
        kin = [q for q, k in detainees if (q.fam.home in LIST_SHARE) == europeans]
        if kin and rng.random() < 0.08:
            p = _sibling(rng, rng.choice(kin))  # brothers detained together
        elif europeans:
            home = _pick_mix(rng, LIST_SHARE)
            p = _new_person(rng, _new_family(rng, home, _pick_mix(rng, ORIGIN_MIX[home])))
        else:
            home = _pick_mix(rng, LOCAL_MIX)
            p = _new_person(rng, _new_family(rng, home, LOCAL_REGION[home]))
        detainees.append((p, kind))

    notes = {}
    left, travellers = [], []  # travellers: (person, list country, note)
    for i, (p, kind) in enumerate(detainees):
        lid = f"D{i + 1:05d}"
        row = clerk_row(p, lid, rng, notes)
        if kind == "T":
            errs = []
            _clerical_errors(row, rng, errs)
            notes[lid] += " " + " ".join(errs) if errs else ""
            travellers.append((p, p.fam.home, f"true:{lid}"))
            if rng.random() < 0.02:  # also on a second country's list
                travellers.append((p, rng.choice([c for c in LIST_SHARE if c != p.fam.home]),
                                   f"true:{lid} second_list"))
        notes[lid] = ("on a list: " if kind == "T" else "on no list: ") + notes[lid]
        left.append(row)
        # Relatives and namesakes on the lists, for every detainee alike.
        if p.fam.home in LIST_SHARE or rng.random() < 0.3:
            home_list = p.fam.home if p.fam.home in LIST_SHARE else _pick_mix(rng, LIST_SHARE)
            if rng.random() < 0.30:
                travellers.append((_sibling(rng, p), home_list, f"brother_of:{lid}"))
            if rng.random() < 0.12:
                travellers.append((_cousin(rng, p), home_list, f"cousin_of:{lid}"))
            if rng.random() < 0.18:
                travellers.append((_namesake(rng, p), home_list, f"namesake_of:{lid}"))
            if rng.random() < 0.06:
                travellers.append((_far_dated(rng, p), home_list, f"same_names_9_or_16_years:{lid}"))

    # The rest of the lists: travellers with no one on the camp's list, some of them brothers.
    while len(travellers) < n_right:
        if travellers and rng.random() < 0.1:
            q, country, _ = rng.choice(travellers)
            if q.fam.home in LIST_SHARE:
                travellers.append((_sibling(rng, q), q.fam.home, "other"))
                continue
        home = _pick_mix(rng, LIST_SHARE)
        p = _new_person(rng, _new_family(rng, home, _pick_mix(rng, ORIGIN_MIX[home])))
        travellers.append((p, home, "other"))
        if rng.random() < 0.02:
            travellers.append((p, rng.choice([c for c in LIST_SHARE if c != home]), "other second_list"))
    travellers = travellers[:max(n_right, len([t for t in travellers if t[2] != "other"]))]
    rng.shuffle(travellers)

    right, truth, counter = [], [], {}
    for p, country, role in travellers:
        if p.fam.home not in LIST_SHARE:
            p.fam.home = country  # a local's namesake or brother who lived in Europe
        counter[country] = counter.get(country, 0) + 1
        rid = f"{country}-{counter[country]:05d}"
        row = national_row(p, rid, country, rng)
        if role.startswith("true:"):
            lid = role.split()[0][5:]
            truth.append((lid, rid))
            if rng.random() < 0.04:
                row["name"] = _typo(row["name"], rng)
                notes[(lid, rid)] = "typo_name_right"
        right.append(row)
        notes[rid] = role
    truth.sort()
    return Lists(left, right, truth, notes)


def detainee_traveller_lists(seed, n_left=1000, n_right=20000):
    """(left_rows, right_rows, truth_pairs): rows are dicts of the CSV columns, truth (left, right) ids."""
    lists = generate(seed, n_left, n_right)
    return lists.left, lists.right, lists.truth


LEFT_COLUMNS = ["id", "name", "aliases", "birth_date", "birth_place", "nationality", "gender",
                "father_name", "grandfather_name", "mother_name", "passport"]
RIGHT_COLUMNS = ["id", "name", "aliases", "birth_date", "birth_place", "nationality", "gender",
                 "father_name", "passport", "city", "source"]


def write(lists, out, with_notes=False):
    os.makedirs(out, exist_ok=True)
    for fname, rows, cols in (("left.csv", lists.left, LEFT_COLUMNS),
                              ("right.csv", lists.right, RIGHT_COLUMNS)):
        with open(os.path.join(out, fname), "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
    with open(os.path.join(out, "truth.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["left_id", "right_id"])
        w.writerows(lists.truth)
    if with_notes:
        with open(os.path.join(out, "notes.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "note"])
            for k, v in lists.notes.items():
                w.writerow([k if isinstance(k, str) else f"{k[0]}~{k[1]}", v])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--left", type=int, default=1000)
    ap.add_argument("--right", type=int, default=20000)
    ap.add_argument("--notes", action="store_true", help="also write notes.csv")
    a = ap.parse_args()
    lists = generate(a.seed, a.left, a.right)
    write(lists, a.out, a.notes)
    print(f"{len(lists.left)} left, {len(lists.right)} right, {len(lists.truth)} true pairs "
          f"({len({l for l, _ in lists.truth})} detainees on a list) -> {a.out}")


if __name__ == "__main__":
    main()
