"""270 Health Care Eligibility Benefit Inquiry, 005010X279A1, in medbill's compact form.

Source: the loop, segment and element structure of the ASC X12N 005010X279A1 TR3 (270), sections
2.4 (transaction set listing) — usage, repeats and the identifying codes of each loop's first segment.
Written by hand for medbill (pyx12 ships no 5010 map of this guide); data element types and lengths
come from the X12 data element dictionary (pyx12 dataele.xml).
"""

NAME = "Health Care Eligibility Benefit Inquiry (270)"
SOURCE = "source = 005010X279A1 TR3 structure"

_NM1_TAIL = "N1038 S1039 R66={q} R67 N706 N98 N1035"

TEXT = f"""
ST R 1 R143=270 R329 R1705
BHT R 1 R1005=0022 R353=01,13,36 S127 R373 S337
loop 2000A R >1 Information Source Level
  HL R 1 R628 N734 R735=20 R736=1
  loop 2100A R 1 Information Source Name
    NM1 R 1 R98=2B,36,GP,P5,PR R1065=1,2 R1035 S1036 S1037 {_NM1_TAIL.format(q="24,46,FI,II,NI,PI,XV,XX")}
  loop 2000B R >1 Information Receiver Level
    HL R 1 R628 R734 R735=21 R736=1
    loop 2100B R 1 Information Receiver Name
      NM1 R 1 R98=1P,2B,36,80,FA,GP,P5,PR R1065=1,2 S1035 S1036 S1037 {_NM1_TAIL.format(q="24,34,46,FI,PI,PP,SV,XV,XX")}
      REF S 9 R128=0B,1C,1D,1J,4A,CT,EL,EO,HPI,JD,N5,N7,Q4,SY,TJ R127 S352
      N3 S 1 R166 S166
      N4 S 1 R19 S156=@states S116 S26=@country N309 N310 S1715
      PRV S 1 R1221=AD,AT,BI,CO,CV,H,HH,LA,OT,P1,P2,PC,PE,R,RF,SB,SK,SU R128=PXC S127
    loop 2000C R >1 Subscriber Level
      HL R 1 R628 R734 R735=22 R736=0,1
      TRN S 2 R481=1 R127 R509 S127
      loop 2100C R 1 Subscriber Name
        NM1 R 1 R98=IL R1065=1,2 S1035 S1036 S1037 N1038 S1039 S66=II,MI S67 N706 N98 N1035
        REF S 9 R128=18,1L,1W,3H,6P,EA,EJ,F6,GH,HJ,IG,N6,NQ,SY,Y4 R127 S352
        N3 S 1 R166 S166
        N4 S 1 R19 S156=@states S116 S26=@country N309 N310 S1715
        PRV S 1 R1221=AD,AT,BI,CO,CV,H,HH,LA,OT,P1,P2,PC,PE,R,RF,SB,SK,SU R128=PXC S127
        DMG S 1 R1250=D8 R1251 S1068=F,M,U
        INS S 1 R1073=Y R1069=18 N- N- N- N- N- N- N- N- N- N- N- N- N- N- S1470
        HI S 1 R:C022(R1270=ABK,BK R1271 N- N- N- N- N- N- N-) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271)
        DTP S 2 R374=102,291 R1250=D8,RD8 R1251
        loop 2110C S 99 Subscriber Eligibility or Benefit Inquiry
          EQ R 1 S1365*99 S:C003(R235=AD,CJ,HC,ID,IV,N4,ZZ R234 S1339 S1339 S1339 S1339 N- S234) S1207 N- S:C004(R1328 S1328 S1328 S1328)
          AMT S 1 R522=R R782
          AMT S 1 R522=PB R782
          III S 10 R1270=ZZ R1271 N- N- N- N- N- N- N-
          REF S 1 R128=9F,G1 R127
          DTP S 1 R374=291 R1250=D8,RD8 R1251
      loop 2000D S >1 Dependent Level
        HL R 1 R628 R734 R735=23 R736=0
        TRN S 2 R481=1 R127 R509 S127
        loop 2100D R 1 Dependent Name
          NM1 R 1 R98=03 R1065=1 S1035 S1036 S1037 N1038 S1039 N66 N67 N706 N98 N1035
          REF S 9 R128=6P,EA,EJ,GH,HJ,IG,N6,SY,Y4 R127 S352
          N3 S 1 R166 S166
          N4 S 1 R19 S156=@states S116 S26=@country N309 N310 S1715
          PRV S 1 R1221=AD,AT,BI,CO,CV,H,HH,LA,OT,P1,P2,PC,PE,R,RF,SB,SK,SU R128=PXC S127
          DMG S 1 R1250=D8 R1251 S1068=F,M,U
          INS S 1 R1073=N R1069=01,19,20,21,39,40,53,G8 N- N- N- N- N- N- N- N- N- N- N- N- N- N- S1470
          HI S 1 R:C022(R1270=ABK,BK R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271) S:C022(R1270=ABF,BF R1271)
          DTP S 2 R374=102,291 R1250=D8,RD8 R1251
          loop 2110D S 99 Dependent Eligibility or Benefit Inquiry
            EQ R 1 S1365*99 S:C003(R235=AD,CJ,HC,ID,IV,N4,ZZ R234 S1339 S1339 S1339 S1339 N- S234) S1207 N- S:C004(R1328 S1328 S1328 S1328)
            III S 10 R1270=ZZ R1271 N- N- N- N- N- N- N-
            REF S 1 R128=9F,G1 R127
            DTP S 1 R374=291 R1250=D8,RD8 R1251
SE R 1 R96 R329
"""
