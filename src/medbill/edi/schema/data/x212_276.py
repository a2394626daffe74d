"""276 Health Care Claim Status Request, 005010X212, in medbill's compact form.

Source: the loop, segment and element structure of the ASC X12N 005010X212 TR3 (276), section 2.4
(transaction set listing): usage, repeats and the identifying codes of each loop's first segment.
Written by hand for medbill (pyx12 ships a 5010 map of the 277 of this guide, not of the 276); data
element types and lengths come from the X12 data element dictionary (pyx12 dataele.xml).
"""

NAME = "Health Care Claim Status Request (276)"
SOURCE = "source = 005010X212 TR3 structure"


def _claim(level: str, indent: str) -> str:
    i = indent
    return f"""{i}loop 2200{level} S >1 Claim Status Tracking Number
{i}  TRN R 1 R481=1 R127
{i}  REF S 1 R128=1K R127
{i}  REF S 1 R128=BLT R127
{i}  REF S 1 R128=EA R127
{i}  REF S 1 R128=EJ R127
{i}  REF S 1 R128=XZ R127
{i}  REF S 1 R128=VV R127
{i}  REF S 1 R128=D9 R127
{i}  AMT S 1 R522=T3 R782
{i}  DTP S 1 R374=472 R1250=D8,RD8 R1251
{i}  loop 2210{level} S >1 Service Line Information
{i}    SVC R 1 R:C003(R235=AD,ER,HC,HP,IV,N4,NU,WK R234 S1339 S1339 S1339 S1339 S352) S782 N782 N234 N380 S:C003(R235=AD,ER,HC,HP,IV,N4,NU,WK R234) S380
{i}    REF S 1 R128=FJ R127
{i}    DTP R 1 R374=472 R1250=D8,RD8 R1251
"""


TEXT = f"""
ST R 1 R143=276 R329 R1705
BHT R 1 R1005=0010 R353=13 R127 R373 R337
loop 2000A R >1 Information Source Level
  HL R 1 R628 N734 R735=20 R736=1
  loop 2100A R 1 Payer Name
    NM1 R 1 R98=PR R1065=2 R1035 N1036 N1037 N1038 N1039 R66=46,FI,PI,XV R67 N706 N98 N1035
  loop 2000B R >1 Information Receiver Level
    HL R 1 R628 R734 R735=21 R736=1
    loop 2100B R 1 Information Receiver Name
      NM1 R 1 R98=41 R1065=1,2 R1035 S1036 S1037 N1038 N1039 R66=46,FI,XX R67 N706 N98 N1035
    loop 2000C R >1 Service Provider Level
      HL R 1 R628 R734 R735=19 R736=1
      loop 2100C R 2 Provider Name
        NM1 R 1 R98=1P R1065=1,2 R1035 S1036 S1037 N1038 S1039 R66=FI,SV,XX R67 N706 N98 N1035
      loop 2000D R >1 Subscriber Level
        HL R 1 R628 R734 R735=22 R736=0,1
        DMG S 1 R1250=D8 R1251 S1068=F,M,U
        loop 2100D R 1 Subscriber Name
          NM1 R 1 R98=IL R1065=1,2 R1035 S1036 S1037 N1038 S1039 R66=II,MI R67 N706 N98 N1035
{_claim("D", "        ")}        loop 2000E S >1 Dependent Level
          HL R 1 R628 R734 R735=23 S736=0
          DMG R 1 R1250=D8 R1251 S1068=F,M,U
          loop 2100E R 1 Dependent Name
            NM1 R 1 R98=QC R1065=1 R1035 S1036 S1037 N1038 S1039 N66 N67 N706 N98 N1035
{_claim("E", "          ")}SE R 1 R96 R329
"""
