"""Build small X12 interchanges for tests (synthetic, no PHI)."""

from __future__ import annotations


def isa(control: str = "000000905", *, element: str = "*", repetition: str = "^", component: str = ":",
        version: str = "00501", date: str = "240101", time: str = "1253") -> str:
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SUBMITTER".ljust(15), "ZZ", "RECEIVER".ljust(15),
              date, time, repetition, version, control, "0", "T", component]
    return element.join(fields)


def claim_set(control: str = "0001", *, body: int = 3, se_count: int | None = None,
              se_control: str | None = None) -> list[str]:
    segs = [f"ST*837*{control}*005010X222A1", "BHT*0019*00*0123*20240101*0932*CH"]
    segs += [f"NM1*IL*1*DOE*JOHN****MI*M{n:04d}" for n in range(body)]
    count = len(segs) + 1 if se_count is None else se_count
    segs.append(f"SE*{count}*{se_control or control}")
    return segs


def interchange(*sets: list[str], control: str = "000000905", group: str = "1", ge_count: int | None = None,
                ge_control: str | None = None, iea_count: int = 1, iea_control: str | None = None,
                terminator: str = "~", line_break: str = "\n") -> bytes:
    segs = [isa(control), f"GS*HC*SENDER*RECEIVER*20240101*1253*{group}*X*005010X222A1"]
    for s in sets:
        segs += s
    segs.append(f"GE*{len(sets) if ge_count is None else ge_count}*{ge_control or group}")
    segs.append(f"IEA*{iea_count}*{iea_control or control}")
    return "".join(s + terminator + line_break for s in segs).encode()
