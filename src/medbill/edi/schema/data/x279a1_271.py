"""271 Health Care Eligibility Benefit Response, 005010X279A1, in medbill's compact form.

Source: the loop, segment and element structure of the ASC X12N 005010X279A1 TR3 (271), section 2.4
(transaction set listing): usage, repeats and the identifying codes of each loop's first segment.
Written by hand for medbill (pyx12 ships no 5010 map of this guide); data element types and lengths
come from the X12 data element dictionary (pyx12 dataele.xml). AAA request validation segments sit in
every name loop; LS/LE bracket the 2120 benefit related entity loop.
"""

NAME = "Health Care Eligibility Benefit Response (271)"
SOURCE = "source = 005010X279A1 TR3 structure"

_AAA = "AAA S 9 R1073=N,Y N- S901 S889"
_ADDRESS = """N3 S 1 R166 S166
{i}N4 S 1 R19 S156=@states S116 S26=@country N309 N310 S1715"""
_EB = ("EB R 1 R1390 S1207 S1365*99 S1336 S1204 S615 S782 S954 S673 S380 S1073 S1073 "
       "S:C003(R235=AD,CJ,HC,ID,IV,N4,ZZ R234 S1339 S1339 S1339 S1339 S352 S234) "
       "S:C004(R1328 S1328 S1328 S1328)")


def _benefit(loop: str, indent: str) -> str:
    i = indent
    return f"""{i}loop {loop} S >1 Eligibility or Benefit Information
{i}  {_EB}
{i}  HSD S 9 S673 S380 S355 S1167 S615 S616 S678 S679
{i}  REF S 9 R128 R127 S352
{i}  DTP S 20 R374 R1250=D8,RD8 R1251
{i}  {_AAA}
{i}  MSG S 10 R933
{i}  loop {loop[:3]}5{loop[-1]} S 10 Additional Information
{i}    III R 1 S1270 S1271 S1136 N- N- N- N- N- N-
{i}  LS S 1 R447
{i}  loop {loop[:2]}20{loop[-1]} S 23 Benefit Related Entity
{i}    NM1 R 1 R98 R1065=1,2 S1035 S1036 S1037 S1038 S1039 S66 S67 N706 N98 N1035
{i}    N3 S 1 R166 S166
{i}    N4 S 1 R19 S156=@states S116 S26=@country N309 N310 S1715
{i}    PER S 3 R366=IC S93 S365 S364 S365 S364 S365 S364
{i}    PRV S 1 R1221 R128=PXC R127
{i}  LE S 1 R447
"""


_INDIVIDUAL = """{i}  REF S 9 R128 R127 S352
{i}  N3 S 1 R166 S166
{i}  N4 S 1 R19 S156=@states S116 S26=@country N309 N310 S1715
{i}  {aaa}
{i}  PRV S 1 R1221 R128=PXC R127
{i}  DMG S 1 R1250=D8 R1251 S1068=F,M,U
{i}  INS S 1 R1073=N,Y R1069 S875 S1203 N- N- N- N- N- N- N- N- N- N- N- N- S1470
{i}  HI S 1 R:C022(R1270=ABK,BK R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271)
{i}  DTP S 9 R374 R1250=D8,RD8 R1251
{i}  MPI S 9 R1201 R1584 S1583 S1585 S1595 S1250 S1251
"""

TEXT = f"""
ST R 1 R143=271 R329 R1705
BHT R 1 R1005=0022 R353=06,11 S127 R373 S337
loop 2000A R >1 Information Source Level
  HL R 1 R628 N734 R735=20 R736=0,1
  {_AAA}
  loop 2100A R 1 Information Source Name
    NM1 R 1 R98=2B,36,GP,P5,PR R1065=1,2 R1035 S1036 S1037 N1038 S1039 R66=24,46,FI,II,NI,PI,XV,XX R67 N706 N98 N1035
    PER S 3 R366=IC S93 S365 S364 S365 S364 S365 S364
    {_AAA}
  loop 2000B S >1 Information Receiver Level
    HL R 1 R628 R734 R735=21 R736=0,1
    loop 2100B R 1 Information Receiver Name
      NM1 R 1 R98=1P,2B,36,80,FA,GP,P5,PR R1065=1,2 S1035 S1036 S1037 N1038 S1039 R66=24,34,46,FI,PI,PP,SV,XV,XX R67 N706 N98 N1035
      REF S 9 R128 R127 S352
      {_AAA}
      PRV S 1 R1221 R128=PXC R127
    loop 2000C S >1 Subscriber Level
      HL R 1 R628 R734 R735=22 R736=0,1
      TRN S 3 R481=1,2 R127 R509 S127
      loop 2100C R 1 Subscriber Name
        NM1 R 1 R98=IL R1065=1,2 S1035 S1036 S1037 N1038 S1039 S66=II,MI S67 N706 N98 N1035
{_INDIVIDUAL.format(i="      ", aaa=_AAA)}{_benefit("2110C", "        ")}      loop 2000D S >1 Dependent Level
        HL R 1 R628 R734 R735=23 R736=0
        TRN S 3 R481=1,2 R127 R509 S127
        loop 2100D R 1 Dependent Name
          NM1 R 1 R98=03 R1065=1 S1035 S1036 S1037 N1038 S1039 N66 N67 N706 N98 N1035
{_INDIVIDUAL.format(i="        ", aaa=_AAA)}{_benefit("2110D", "          ")}SE R 1 R96 R329
"""
