"""The E/M levelling tables and the words that signal each MDM element.

Source: AMA CPT E/M Services Guidelines, office or other outpatient (in force 1 January 2021, time thresholds
as revised for 2024) and hospital inpatient or observation care (in force 1 January 2023, observation merged
into 99221-99233). Only code numbers, level names and thresholds are written here, never CPT descriptors.

The vocabulary is a rule-based reading aid, not a terminology: each entry is a regular expression (matched
case-insensitively) that a coder would recognise in an Assessment/Plan, a data statement or a plan step.
Kept as data so that a coder can extend it without touching the levelling logic in :mod:`.em`.
"""

from __future__ import annotations

from typing import Final

LEVELS: Final = ("straightforward", "low", "moderate", "high")

CATEGORIES: Final = ("office new", "office established", "inpatient initial", "inpatient subsequent")

# MDM level (index into LEVELS) -> code. Hospital care has one code for straightforward and low MDM.
CODE_BY_MDM: Final[dict[str, tuple[str, str, str, str]]] = {
    "office new": ("99202", "99203", "99204", "99205"),
    "office established": ("99212", "99213", "99214", "99215"),
    "inpatient initial": ("99221", "99221", "99222", "99223"),
    "inpatient subsequent": ("99231", "99231", "99232", "99233"),
}

# Total time on the date of the encounter that must be met or exceeded, lowest first. 99211 has no time
# threshold since 2021, so no office established time below 10 minutes reaches a code.
TIME_THRESHOLDS: Final[dict[str, tuple[tuple[int, str], ...]]] = {
    "office new": ((15, "99202"), (30, "99203"), (45, "99204"), (60, "99205")),
    "office established": ((10, "99212"), (20, "99213"), (30, "99214"), (40, "99215")),
    "inpatient initial": ((40, "99221"), (55, "99222"), (75, "99223")),
    "inpatient subsequent": ((25, "99231"), (35, "99232"), (50, "99233")),
}

# --- what kind of document the note is --------------------------------------------------------------

# (pattern, category): the first pattern found, in this order, names the category.
CATEGORY_CUES: Final[tuple[tuple[str, str], ...]] = (
    ((r"progress note|hospital day\s*#?\s*\d+|\bHD\s*#?\s*\d+\b|subsequent hospital care"
     r"|interval (?:history|events)"
     r"|overnight events"), "inpatient subsequent"),
    ((r"admission (?:H\s*&\s*P|history and physical|note)|initial hospital care|initial observation care"
     r"|(?:history and physical|H\s*&\s*P)\b[^\n]{0,40}\badmi|admitted (?:today|this evening|overnight) to"
     r"|admitted to (?:observation|telemetry|the (?:hospital|floor|medicine service))"), "inpatient initial"),
    ((r"\bnew patient\b|establish(?:ing)? care|new to (?:the |this |our )?(?:clinic|practice|office)"
     r"|initial (?:office|clinic) visit"), "office new"),
    ((r"established patient|follow[- ]?up (?:visit|appointment)|here for (?:a )?follow[- ]?up"
     r"|returns? (?:today )?for"
     r"|presents for (?:a )?follow[- ]?up|last seen|office visit|clinic visit"), "office established"),
)

# Documents that are not a visit in the categories levelled here (procedures, discharge day, ED, critical
# care): levelling them would suggest an E/M code the documentation does not support. Titles count only in
# the first lines (an H&P has an "ED course" section); procedure headings count anywhere at a line start.
NOT_EM_TITLES: Final = (
    r"operative report|op(?:erative)? note|procedure note|discharge summary|radiology report|pathology report"
    r"|emergency department (?:note|visit|record|provider note)|\bED (?:note|provider note|visit)"
    r"|critical care note|anesthesia record"
)
NOT_EM_HEADINGS: Final = r"pre-?operative diagnosis|post-?operative diagnosis|estimated blood loss"

# A note that reads like a visit: enough to level it as an office visit when no category cue is present.
EM_SHAPE_CUES: Final = r"chief complaint|history of present illness|\bHPI\b|assessment|impression|\bplan\b"

# --- section headings ---------------------------------------------------------------------------------

AP_HEADINGS: Final = (
    r"assessment\s*(?:and|&|/)\s*plan|impression\s*(?:and|&|/)\s*plan|assessment|impression|a\s*/\s*p"
    r"|a\s*&\s*p"
    r"|plan|medical decision[- ]making|mdm|diagnos[ei]s"
)
HISTORY_HEADINGS: Final = (
    r"past medical history|pmh|past surgical history|psh|(?:current |home |outpatient )?medications|meds"
    r"|allerg(?:ies|y)|family history|social history|review of systems|ros|problem list|immunizations"
)
OTHER_HEADINGS: Final = (
    r"chief complaint|cc|history of present illness|hpi|subjective|objective|physical exam(?:ination)?|exam"
    r"|vital signs|vitals|labs?|laboratory|results|data(?: reviewed)?|imaging|studies|diagnostics"
    r"|interval history|overnight events|time|attestation|signature|disposition|code status"
    r"|(?:ED|emergency department|hospital) course"
)

# --- problems addressed -------------------------------------------------------------------------------

# (canonical name, kind, pattern). Kinds: chronic, self_limited, acute, acute_systemic, complicated_injury,
# undiagnosed, threat. Longer, more specific entries come first: a span is counted once.
CONDITIONS: Final[tuple[tuple[str, str, str], ...]] = (
    # acute or chronic illness or injury posing a threat to life or bodily function
    ("sepsis", "threat", r"septic shock|sepsis"),
    ("acute respiratory failure", "threat",
     r"acute (?:hypoxic |hypercapnic |hypoxemic )*respiratory failure"),
    ("acute coronary syndrome", "threat",
     (r"\bN?STEMI\b|acute (?:myocardial infarction|MI)\b|acute coronary syndrome|(?-i:\bACS\b)"
     r"|unstable angina")),
    ("pulmonary embolism", "threat", r"pulmonary embol\w+"),
    ("stroke", "threat", r"\bstroke\b|\bCVA\b|cerebrovascular accident|\bTIA\b|transient ischemic attack"),
    ("diabetic ketoacidosis", "threat", r"diabetic ketoacidosis|\bDKA\b"),
    ("gastrointestinal bleeding", "threat",
     r"(?:upper |lower )?(?:GI|gastrointestinal) (?:bleed|hemorrhage)\w*"),
    ("suicidal ideation", "threat", r"suicidal ideation|\bSI\b with plan"),
    ("anaphylaxis", "threat", r"anaphyla\w+"),
    ("appendicitis", "threat", r"appendicitis"),
    ("hypertensive emergency", "threat", r"hypertensive (?:emergency|crisis)"),
    ("alcohol withdrawal delirium", "threat",
     r"delirium tremens|(?:alcohol )?withdrawal (?:delirium|seizures?)|\bDTs\b"),
    # acute illness with systemic symptoms, acute complicated injury, undiagnosed new problem
    ("pneumonia", "acute_systemic", r"pneumonia|(?-i:\bCAP\b)"),
    ("pyelonephritis", "acute_systemic", r"pyelonephritis"),
    ("cholecystitis", "acute_systemic", r"(?:acute )?cholecystitis"),
    ("diverticulitis", "acute_systemic", r"diverticulitis"),
    ("fracture", "complicated_injury", r"(?:\w+ )?fractures?|\bfx\b"),
    ("dislocation", "complicated_injury", r"dislocation"),
    ("concussion", "complicated_injury", r"concussion|closed head injury"),
    ("new mass", "undiagnosed",
     (r"(?:breast|neck|thyroid|abdominal|adnexal|lung|pulmonary|testicular|skin) (?:mass|lump|nodule)"
     r"|(?<!body )(?<!muscle )\b(?:mass|lump|nodule)\b|lymphadenopathy|unintentional weight loss"
     r"|painless hematuria")),
    # chronic illnesses
    ("hypertension", "chronic", r"(?:essential |primary )?hypertension|\bHTN\b|high blood pressure"),
    ("hyperlipidemia", "chronic",
     (r"(?:mixed )?hyperlipidemia|\bHLD\b|dyslipidemia|hypercholesterolemia|high cholesterol"
     r"|hypertriglyceridemia")),
    ("prediabetes", "chronic", r"pre-?diabetes"),
    ("diabetes mellitus", "chronic",
     (r"(?:type (?:1|2|I|II) )?diabetes(?: mellitus)?(?: type (?:1|2|I|II))?|\bT[12]DM\b|\bDM ?(?:1|2|I"
      r"|II)?\b"
     r"|\bN?IDDM\b")),
    ("hypothyroidism", "chronic", r"hypothyroidism"),
    ("hyperthyroidism", "chronic", r"hyperthyroidism|graves disease"),
    ("asthma", "chronic", r"asthma"),
    ("COPD", "chronic", r"\bCOPD\b|chronic obstructive pulmonary disease|emphysema"),
    ("heart failure", "chronic", r"(?:congestive |systolic |diastolic )?heart failure|\bCHF\b|\bHFr?p?EF\b"),
    ("chronic kidney disease", "chronic",
     r"chronic kidney disease(?: stage \w+)?|\bCKD(?: ?(?:stage )?\w+)?\b"),
    ("GERD", "chronic", r"\bGERD\b|gastro-?esophageal reflux(?: disease)?"),
    # "ST depression" and "respiratory depression" are findings, not the mood disorder.
    ("depression", "chronic",
     r"(?<!\bST )(?<!\bST-segment )(?<!respiratory )(?:major )?depressi(?:on|ve disorder)|\bMDD\b"),
    ("anxiety", "chronic", r"(?:generalized )?anxiety(?: disorder)?|(?-i:\bGAD\b)"),
    ("bipolar disorder", "chronic", r"bipolar (?:disorder|I|II|1|2)"),
    ("schizophrenia", "chronic", r"schizo\w+"),
    ("ADHD", "chronic", r"\bADHD\b|attention deficit"),
    ("atrial fibrillation", "chronic",
     r"(?:paroxysmal |persistent |permanent )?atrial fibrillation|\bA\.? ?fib\b"),
    ("coronary artery disease", "chronic", r"coronary artery disease|(?-i:\bCAD\b)"),
    ("peripheral artery disease", "chronic", r"peripheral arter(?:y|ial) disease|(?-i:\bPAD\b)"),
    ("osteoarthritis", "chronic", r"osteoarthritis|degenerative joint disease|\bDJD\b"),
    ("rheumatoid arthritis", "chronic", r"rheumatoid arthritis"),
    ("osteoporosis", "chronic", r"osteoporosis|osteopenia"),
    ("gout", "chronic", r"\bgout\b"),
    ("obesity", "chronic", r"(?:morbid )?obesity"),
    ("obstructive sleep apnea", "chronic", r"(?:obstructive )?sleep apnea|\bOSA\b"),
    ("BPH", "chronic", r"\bBPH\b|benign prostatic hyperplasia"),
    ("migraine", "chronic", r"migraines?"),
    ("epilepsy", "chronic", r"epilepsy|seizure disorder"),
    ("chronic pain", "chronic", r"chronic (?:low )?(?:back |neck )?pain"),
    ("HIV", "chronic", r"\bHIV\b(?! (?:test|screen))"),
    ("hepatitis C", "chronic", r"(?:chronic )?hepatitis C|\bHCV\b"),
    ("cirrhosis", "chronic", r"cirrhosis"),
    ("dementia", "chronic", r"dementia|alzheimer\w*"),
    ("Parkinson disease", "chronic", r"parkinson\w*"),
    ("allergic rhinitis", "chronic", r"allergic rhinitis|seasonal allergies"),
    ("atopic dermatitis", "chronic", r"atopic dermatitis|eczema"),
    ("psoriasis", "chronic", r"psoriasis"),
    ("anemia", "chronic", r"(?:iron deficiency |chronic )?anemia"),
    ("insomnia", "chronic", r"(?:chronic )?insomnia"),
    ("glaucoma", "chronic", r"glaucoma"),
    ("vitamin D deficiency", "chronic", r"vitamin D deficiency"),
    # acute, uncomplicated illness or injury. A viral URI is the common cold, the AMA's example of a
    # self-limited problem: it comes first so that the plain URI entry does not take its words.
    ("common cold", "self_limited",
     r"common cold|head cold|viral (?:upper respiratory (?:tract )?infection|URI)"),
    ("upper respiratory infection", "acute", r"upper respiratory (?:tract )?infection|\bURI\b"),
    ("sinusitis", "acute", r"(?:acute )?(?:bacterial |viral )?(?:rhino)?sinusitis"),
    ("pharyngitis", "acute", r"(?:streptococcal |strep )?pharyngitis|strep throat|tonsillitis"),
    ("otitis", "acute", r"otitis (?:media|externa)|\bAOM\b|ear infection"),
    ("bronchitis", "acute", r"(?:acute )?bronchitis"),
    ("urinary tract infection", "acute", r"urinary tract infection|\bUTI\b|cystitis"),
    ("influenza", "acute", r"influenza|\bflu\b(?! (?:shot|vaccine|swab|test))"),
    ("COVID-19", "acute", r"covid(?:-19)?(?! (?:test|swab|pcr|vaccine))"),
    ("gastroenteritis", "acute", r"gastroenteritis|stomach flu"),
    ("conjunctivitis", "acute", r"conjunctivitis|pink eye"),
    ("cellulitis", "acute", r"cellulitis|abscess"),
    ("sprain or strain", "acute", r"(?:\w+ )?(?:sprain|strain)\b"),
    ("low back pain", "acute", r"(?:acute )?(?:low(?:er)? )?back pain|lumbago"),
    ("urticaria", "acute", r"(?:acute )?urticaria|\bhives\b"),
    ("dermatitis", "acute", r"(?:contact |allergic )?dermatitis|(?:\w+ )?rash"),
    ("laceration", "acute", r"laceration"),
    ("acute kidney injury", "acute", r"acute kidney injury|\bAKI\b"),
    ("dehydration", "acute", r"dehydration"),
    ("cholelithiasis", "acute", r"(?:symptomatic )?cholelithiasis|gallstones|biliary colic"),
    ("kidney stone", "acute", r"nephrolithiasis|kidney stones?|renal colic|ureterolithiasis"),
    ("hernia", "acute", r"(?:inguinal |umbilical |ventral |incisional |hiatal )?hernia"),
    ("headache", "acute", r"(?:tension(?:-type)? )?headache"),
    ("diarrhea", "acute", r"(?:acute )?diarrhea"),
    ("vertigo", "acute", r"(?:benign paroxysmal positional )?vertigo|\bBPPV\b"),
    # self-limited or minor problems
    ("insect bite", "self_limited", r"(?:insect|bug|mosquito|spider) bites?"),
    ("tinea", "self_limited", r"tinea \w+|ringworm"),
    ("wart", "self_limited", r"\bwarts?\b|verruca"),
    ("abrasion", "self_limited", r"abrasions?|contusions?"),
    ("cerumen impaction", "self_limited", r"cerumen impaction|ear wax"),
)

# Status words after (or before) a condition. Checked in this order: the first kind found wins.
SEVERE: Final = (
    r"severe(?:ly)? (?:acute )?exacerbat\w+|acute on chronic|decompensat\w*|status asthmaticus"
    r"|life[- ]threatening|threat to (?:life|bodily function)|hypertensive (?:urgency|emergency|crisis)"
)
EXACERBATION: Final = (
    r"worsen\w*|exacerbat\w*|flar(?:e|es|ing)|uncontrolled|(?:(?:poorly|suboptimally|inadequately) "
    r"|not (?:well )?)controlled|not at (?:treatment )?goal|above goal|progress(?:ing|ion|ed)|deteriorat\w*"
    r"|side effects?|(?:recurrent |frequent |severe )?hypoglyc(?:emia|emic (?:episodes|events|reactions))"
    r"(?! (?:precautions|education|protocol|kit|plan|awareness))"
    r"|adverse (?:effect|reaction)s?|not tolerating|intoleran\w+"
)
STABLE: Final = (
    r"\bstable\b|well[- ]controlled|\bcontrolled\b|at (?:treatment )?goal|\bimprov(?:ed|ing)\b|unchanged"
    r"|in remission|doing well|asymptomatic"
)
SYSTEMIC: Final = r"fevers?|febrile|chills|rigors|myalgias?|body aches|malaise|systemic symptoms"

# Words that cancel the term that follows within a few words ("no fever", "denies chest pain").
NEGATION: Final = (
    r"no|not|never|denies|denied|without|negative for|absence of|free of|ruled out|resolved|history of|h/o"
    r"|declin\w*|refus\w*|hold off on|defer\w*|decided against|no need to|does not want to|doesn't want to"
)
# Words right after a problem that cancel it ("strep pharyngitis not suspected", "DVT ruled out").
NEGATION_AFTER: Final = (
    r"(?:is |was |are |were |felt |thought )?(?:not (?:suspected|likely|present|seen|found|considered)"
    r"|(?:ruled|rules) out|excluded|unlikely)"
)
# Words that make the status after them a contingency, not a finding ("return if symptoms worsen").
CONDITIONAL: Final = r"if|should|unless|in case(?: of)?|in the event(?: of)?|watch(?:ing)? for|precautions for"

# --- amount and complexity of data reviewed and analysed ------------------------------------------------

# (canonical test, pattern); canonical "" means the matched words name the test (CT head vs CT chest).
TESTS: Final[tuple[tuple[str, str], ...]] = (
    ("CBC", r"\bCBC\b|complete blood count"),
    ("CMP", r"\bCMP\b|comprehensive metabolic panel"),
    ("BMP", r"\bBMP\b|basic metabolic panel|\bchem ?7\b"),
    ("hemoglobin A1c", r"\b(?:hb|hgb)? ?A1c\b|hemoglobin A1c"),
    ("lipid panel", r"(?:fasting )?lipid (?:panel|profile)|fasting lipids"),
    ("TSH", r"\bTSH\b|thyroid function tests?|free T4"),
    ("urine culture", r"urine culture"),
    ("urinalysis", r"urinalysis|\bUA\b|urine dip\w*"),
    ("blood cultures", r"blood cultures?"),
    ("sputum culture", r"sputum culture"),
    ("stool studies", r"stool (?:studies|culture)|c\.? ?diff(?:icile)? (?:toxin|testing|pcr)"),
    ("chest x-ray", r"chest x-?rays?|\bCXR\b|chest radiographs?"),
    ("", r"(?:\b[a-z]+ )?x-?rays?(?: of the \w+)?|(?:\b[a-z]+ )?radiographs?"),
    ("", (r"\bCTA?\b(?: (?:scan )?(?:of (?:the )?)?(?:head|brain|chest|abdomen(?: (?:and|/) ?pelvis)?"
          r"|pelvis|neck"
         r"|spine|c-spine|a/p))?|CAT scan")),
    ("", r"\bMR[IA]\b(?: (?:of (?:the )?)?\w+)?"),
    ("", r"(?:\b[a-z]+ )?(?:ultrasound|sonogram|doppler|duplex)"),
    ("echocardiogram", r"echocardiogram|\becho\b|\bTTE\b|\bTEE\b"),
    ("ECG", r"\bECG\b|\bEKG\b|electrocardiogram"),
    ("troponin", r"troponins?|\btrop\b"),
    ("BNP", r"\bBNP\b|NT-?pro-?BNP"),
    ("lactate", r"lactate|lactic acid"),
    ("coagulation studies", r"\bPT/INR\b|\bINR\b|\bPTT\b|coagulation studies|coags"),
    ("PSA", r"\bPSA\b"),
    ("vitamin D level", r"vitamin D (?:level|25)|25-?OH vitamin D"),
    ("CRP", r"\bCRP\b|C-reactive protein"),
    ("ESR", r"\bESR\b|sed rate|sedimentation rate"),
    ("liver function tests", r"\bLFTs?\b|liver function tests?|hepatic (?:function )?panel"),
    ("rapid strep test", r"rapid strep(?: test)?|strep (?:test|swab|screen)|throat culture"),
    ("influenza test", r"(?:rapid )?(?:flu|influenza) (?:swab|test|pcr)|rapid flu"),
    ("COVID-19 test", r"covid(?:-19)? (?:test|swab|pcr)|SARS-CoV-2 (?:test|pcr)"),
    ("D-dimer", r"d-?dimer"),
    ("blood gas", r"\bABG\b|\bVBG\b|arterial blood gas"),
    ("lipase", r"lipase"),
    ("pregnancy test", r"pregnancy test|\bhCG\b|\bUPT\b"),
    ("creatinine", r"creatinine|renal function panel"),
    ("magnesium level", r"magnesium level"),
    ("stress test", r"(?:nuclear |exercise |treadmill )?stress test"),
    ("ambulatory ECG monitor", r"holter(?: monitor)?|event monitor|zio patch"),
    ("pulmonary function tests", r"\bPFTs?\b|pulmonary function tests?|spirometry"),
    ("bone density", r"\bDEXA\b|\bDXA\b|bone density(?: scan)?"),
    ("mammogram", r"mammogra\w+"),
    ("urine drug screen", r"urine drug screen|\bUDS\b|\butox\b"),
    ("iron studies", r"iron studies|ferritin"),
    ("vitamin B12", r"\bB12\b"),
    ("HIV test", r"HIV (?:test|screen)\w*"),
)

ORDER_CUES: Final = (
    r"order(?:ed|ing|s)?|re-?check|will (?:obtain|check|get|send)|obtain(?:ed)?|check|send|draw|repeat"
    r"|schedul\w+"
    r"|request(?:ed)?|\bget\b|pending|to be done|in (?:the )?AM\b|tomorrow|\bq ?AM\b|daily|serial"
)
REVIEW_CUES: Final = (
    r"review(?:ed)?|results?|shows?|showed|reveal(?:s|ed)|demonstrat\w+|notable for|significant for"
    r"|unremarkable|normal|abnormal|negative|positive|elevated|within normal limits|\bWNL\b|was|were"
    r"|(?:at )?baseline|(?:up|down)trending|trend\w*|rising|improv\w*"
)
DATA_HEADINGS: Final = (
    r"(?:labs?(?: and imaging)?|laboratory(?: data)?)(?: (?:today|this morning|on admission|reviewed))?|(?:pertinent )?results|data(?: reviewed)?|imaging|studies"
    r"|diagnostics"
)

EXTERNAL_NOTES: Final = (
    r"(?:outside|external|referring|transferring|old) (?:hospital |facility |clinic |provider |physician )?"
    r"(?:records|notes|chart|documentation|discharge summary|consult(?:ation)? notes?)"
    r"|(?:records|notes|discharge summary|consult(?:ation)? notes?|documentation) from "
    r"(?:Dr\.? ?[A-Z][a-z]+|the (?:ED|emergency department|outside hospital|urgent care|referring \w+)|"
    r"(?:his|her|their) (?:cardiologist|oncologist|nephrologist|endocrinologist|neurologist|surgeon|\w+ist)"
    r"|[A-Z]\w+ (?:Hospital|Medical Center|Clinic|Urgent Care))"
)
INDEPENDENT_HISTORIAN: Final = (
    r"independent historian"
    r"|(?:history|hx) (?:was |is )?(?:obtained|provided|given|taken) (?:by|from) (?:the )?(?:patient's )?"
    r"(?:mother|father|parents?|wife|husband|spouse|partner|daughter|son|caregiver|guardian|family|EMS|nurse"
    r"|group home staff)"
    r"|(?:mother|father|parents?|wife|husband|spouse|daughter|son|caregiver|guardian|EMS) (?:provides"
    r"|provided|gives"
    r"|gave) (?:the |most of the |additional )?history"
)
INDEPENDENT_INTERPRETATION: Final = (
    r"independent(?:ly)? (?:interpret\w*|review(?:ed)? (?:of )?(?:the )?(?:images|films?|tracing))"
    r"|my (?:own |independent )?(?:interpretation|read|review of the (?:images|films?|tracing))"
    r"|personally (?:reviewed|interpreted|viewed) (?:the )?(?:[\w-]+ ){0,3}?(?:images|films?|tracing|ECG|EKG"
    r"|x-?ray|CT|MRI|rhythm"
    r"|telemetry)|I (?:interpreted|read) (?:the )?(?:[\w-]+ ){0,2}?(?:ECG|EKG|x-?ray|CT|images|films?"
    r"|tracing)"
    r"|(?:ECG|EKG|rhythm strip|tracing|x-?rays?|radiographs?|films?|images|CT|MRI)\b[^.;\n]{0,40}?"
    r"\b(?:personally|independently) (?:interpreted|reviewed|read)"
)
# Physicians and other appropriate sources a discussion of management can be held with (AMA: not family).
_DISCUSSANTS = (
    r"Dr\.? ?[A-Z][a-z]+|(?:the )?(?:on-?call |consulting |patient's |his |her )?"
    r"(?:cardiolog\w*|nephrolog\w*"
    r"|neurolog\w*|oncolog\w*|surg\w*|radiolog\w*|gastroenterolog\w*|GI|pulmonolog\w*|infectious disease|ID"
    r"|endocrinolog\w*|hospitalist|intensivist|PCP|primary care (?:physician|provider)|consultant"
    r"|pharmacist|case manager|social worker|orthop\w*|urolog\w*|psychiatr\w*|OB|obstetric\w*"
    r"|(?:(?:ED|ER) |emergency (?:department |room )?|accepting |receiving )(?:physician|doctor|attending|provider))"
)
DISCUSSION: Final = (
    r"(?:discussed|spoke|conferred|talked|reviewed (?:the )?case|curbside\w*)\b[^.\n;]{0,40}?\bwith (?:"
    + _DISCUSSANTS + r")"
    r"|(?:called|phoned|paged|contacted|spoke to|telephoned) (?:" + _DISCUSSANTS + r")"
    r"|discussion of management with"
)

# --- risk of complications of patient management ------------------------------------------------------

MED_VERBS: Final = (
    r"start(?:ed|ing)?|begin|began|initiat(?:e|ed|ing)|increas(?:e|ed|ing)|decreas(?:e|ed|ing)|reduc(?:e|ed"
    r"|ing)"
    r"|titrat(?:e|ed|ing)|adjust(?:ed|ing)?|chang(?:e|ed|ing)|switch(?:ed|ing)?|continu(?:e|ed|ing)"
    r"|refill(?:ed|s)?|renew(?:ed)?|prescrib(?:e|ed|ing)|e-?prescribed|discontinu(?:e|ed)|stop(?:ped)?"
    r"|hold(?! off)|held|resum(?:e|ed)|restart(?:ed)?|taper(?:ed|ing)?|wean(?:ed|ing)?|\bRx\b|sent"
)
OTC_DRUGS: Final = (
    r"acetaminophen|tylenol|ibuprofen|advil|motrin|naproxen sodium|aleve|loratadine|claritin|cetirizine"
    r"|zyrtec"
    r"|clotrimazole|miconazole|terbinafine cream|lamisil|fexofenadine|allegra|diphenhydramine|benadryl"
    r"|guaifenesin|mucinex|dextromethorphan|pseudoephedrine"
    r"|sudafed|phenylephrine|(?:nasal )?saline(?: spray| rinses?| irrigation)?|docusate|senna|miralax"
    r"|polyethylene glycol|psyllium|fiber supplement|calcium carbonate|tums|hydrocortisone cream|lozenges"
    r"|throat spray|multivitamin|vitamin D3?|melatonin|bacitracin|neosporin|artificial tears"
    r"|antihistamines?|over[- ]the[- ]counter|\bOTC\b"
)
RX_DRUGS: Final = (
    r"\b[a-z]+(?:pril|sartan|olol|statin|formin|dipine|azole|cillin|mycin|floxacin|cycline|prazole|tidine"
    r"|gliptin|gliflozin|glutide|semide|thiazide|zepam|zolam|oxetine|traline|opram|triptan|tinib|afil|osin"
    r"|asone|olone|parin|xaban|gatran|lukast|terol|tropium|codone|morphone|pentin|gabalin|zodone|triptyline"
    r"|azepine|etiracetam|tiapine|peridone|dronate|mab|vir|vudine|citabine)\b"
    r"|insulin|basal\b(?! cell)|bolus (?:dose|ratio)|insulin-to-carb\w* ratio|correction (?:factor|scale)"
    r"|glucagon|antiretroviral\w*|levothyroxine|synthroid|warfarin|coumadin|eliquis|xarelto|plavix|clopidogrel|prednisone"
    r"|methotrexate|lithium|digoxin|furosemide|lasix|spironolactone|\bHCTZ\b|allopurinol|colchicine"
    r"|glipizide|glyburide|bupropion|trazodone|amoxicillin|augmentin|cephalexin|keflex|cefdinir|ceftriaxone"
    r"|nitrofurantoin|macrobid|bactrim|sulfamethoxazole|tamsulosin|finasteride|topiramate|lamotrigine"
    r"|hydroxyzine|ondansetron|zofran|oseltamivir|tamiflu|tramadol|benzonatate|nitroglycerin|metoprolol"
    r"|carvedilol|hydralazine|isosorbide|potassium chloride|antibiotics?|steroids?|inhalers?|statin"
    r"|ACE inhibitor|beta[- ]blocker|diuretic|anticoagula\w+|SSRI|GLP-1|(?:current |home |all |chronic )?"
    r"(?:medications|meds)\b|prescription"
)
# Verbs that name a drug decision when they follow the drug ("prednisone 40 mg daily prescribed", "IM
# dose given in the clinic"). Not "increased" or "reduced": after a drug they usually describe a finding;
# "given" only where it means administered, not "considering" ("metformin continued given eGFR 50").
MED_VERBS_AFTER_DRUG: Final = (
    r"prescribed|e-?prescribed|started|initiated|continued|refilled|renewed|resumed|restarted|discontinued"
    r"|stopped|held|tapered|titrated|adjusted|sent|administered"
    r"|given(?=\s*(?:$|[.,;]|(?:in|at|here|today|now|once|orally|by|before|prior|x ?\d|IM|IV|PO|SC|SQ"
    r"|subcut\w*|intra\w+)\b))"
)
# A drug given with a dose ("xyz 20 mg") is managed as a drug even when the name is not listed above.
DOSED_DRUG: Final = (
    r"\b(?!(?:fluids?|water|intake|calories|protein|sodium|fiber|glucose)\b)"
    r"[a-z][a-z-]{3,}\s+\d+(?:\.\d+)?\s*(?:mg|mcg|g|units|mEq|mL)\b"
)

HIGH_RISK_DRUG: Final = (
    r"(?:heparin|insulin|amiodarone|nitroglycerin|diltiazem|norepinephrine|levophed|vasopressin|propofol"
    r"|esmolol"
    r"|nicardipine) (?:drip|infusion|gtt)|\bgtt\b|(?:vancomycin|lithium|digoxin|phenytoin|dilantin|tacrolimus"
    r"|cyclosporine|valproic acid|gentamicin|aminoglycoside) (?:levels?|troughs?|peaks?)|chemotherapy"
    r"|monitor(?:ing)? for (?:drug |medication )?toxicity|intensive monitoring|\bTPN\b"
)
HOSPITALIZATION: Final = (
    r"\badmit(?:ting)?\b(?!\s*(?:date|diagnosis|dx|weight|:))|\badmission to\b|decision to admit"
    r"|(?:recommend(?:ed)?|needs?|requires?|will require)"
    r" (?:\w+ ){0,2}(?:admission|hospitali[sz]ation|inpatient (?:care|admission))|\bhospitali[sz]e\b"
    r"|direct admi\w+|transfer(?:red)? to (?:the )?(?:ICU|intensive care|higher level of care|step-?down|CCU)"
    r"|escalat\w+ (?:of )?care|upgrade(?:d)? to (?:the )?(?:ICU|step-?down|CCU)"
    r"|(?:send(?:ing)?|sent|transferr?(?:ed|ing)?|transport(?:ed|ing)?|refer(?:red|ring)?|direct(?:ed|ing)?)"
    r" (?:\w+ ){0,3}to (?:the )?(?:nearest )?(?:(?-i:ED|ER)|emergency (?:department|room))"
    r"|(?:need for|possible|potential|probable|likely) (?:[\w-]+ ){0,2}(?:admission|hospitali[sz]ation)"
)
DNR: Final = (
    r"\bDNR\b|\bDNAR\b|do not resuscitate|comfort (?:care|measures)|hospice|de-?escalat\w*"
    r"|transition(?:ed)? to comfort|withdraw(?:al)? of (?:care|life[- ]sustaining)"
)
MAJOR_SURGERY: Final = (
    r"surgery|surgical (?:repair|intervention|management)|arthroplasty|laparotomy|laparoscop\w+|\w+ectomy"
    r"|\bCABG\b|craniotomy|thoracotomy|joint replacement|spinal fusion|open reduction|\bORIF\b"
    r"|to (?:the )?(?:(?-i:OR)|operating room)"
)
SURGERY_DECISION: Final = (
    r"schedul\w+|plan(?:ned|ning)? (?:for )?|proceed\w*|recommend\w*|candidate for|consent\w*|booked"
    r"|posted for"
    r"|will undergo|emergen\w+|urgent\w*|to (?:the )?(?:(?-i:OR)|operating room)"
)
EMERGENCY: Final = (
    r"emergen\w+|urgent\w*|\bstat\b|to (?:the )?(?:(?-i:OR)|operating room) (?:tonight|now|today)"
)
SURGICAL_RISK_FACTORS: Final = (
    r"risk factors?|high[- ]risk|elevated (?:surgical |perioperative |cardiac )?risk|comorbid\w*"
    r"|\bASA (?:III|IV|3|4)\b"
)
MINOR_SURGERY: Final = (
    r"excision|(?:shave |punch )?biopsy|incision and drainage|\bI&D\b|cryotherapy|skin tag removal"
    r"|laceration repair|joint injection|trigger point injection|wart destruction"
)
SDOH: Final = (
    r"(?:unable to|cannot|can't|could not|couldn't|does not|doesn't) afford|cost of (?:the )?(?:medications?"
    r"|care)"
    r"|financial (?:barriers?|hardship|constraints?)|lack of (?:transportation|(?:health )?insurance)"
    r"|\buninsured\b|\bhomeless\w*|housing (?:insecurity|instability)|food insecurity"
    r"|no (?:health )?insurance"
)
LOW_RISK_TREATMENT: Final = (
    r"physical therapy|occupational therapy|(?-i:\bPT\b) referral|home exercise program|IV fluids"
    r"|normal saline bolus"
)

# --- total time on the date of the encounter ----------------------------------------------------------

_AMOUNT = r"(?:(?P<minutes>\d{1,3}) ?(?:minutes|mins?)|(?P<hours>\d(?:\.\d{1,2})?) ?(?:hours?|hrs?))\b"
TOTAL_TIME: Final = (
    r"(?:total (?:\w+ ){0,8}?time|^[ \t]*time(?: spent)?|time spent)\b[^.\n\d]{0,150}?(?:was |of "
    r"|: ?)?(?:over |more than |greater than |> ?|at least )?" + _AMOUNT
)
TIME_SPENT: Final = (
    r"\bspent:? (?:a total of |over |more than |greater than |> ?|at least )?" + _AMOUNT
    + r"|(?P<minutes_before>\d{1,3}) ?(?:minutes|mins?) (?:was |were )?spent"
)
NOT_TOTAL_TIME: Final = r"critical care|prolonged|travel"

# List-item heads that are plan steps, not problems ("3. Follow-up in 3 months if stable").
NOT_PROBLEM_HEADS: Final = (
    r"follow|return|rtc|disposition|code status|diet|activity|counsel\w*|education|vitals?|labs?|exam|patient"
    r"|pt|plan|discharge|dispo|prophylaxis|dvt|gi|health maintenance|screening|vaccin\w*|immuniz\w*"
)
