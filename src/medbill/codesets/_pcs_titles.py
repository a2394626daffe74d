"""Long titles of ICD-10-PCS codes built from the seven axis labels of the Tables.

CMS writes each code's long description (codes and order files) from the labels of its row in the
Tables, with a phrase per root operation ("Insertion of <device> into <body part>, <approach>
Approach"), lateral body parts turned round ("Kidney, Left" → "Left Kidney"), and "No Device" /
"No Qualifier" left out. This module reproduces that wording for the common patterns, so a year
whose only source is the Tables XML still has readable titles; the flat file's own wording wins
wherever both are loaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NONE = {"No Device", "No Qualifier", "None", "No Substance", "No Equipment", "No Method", "No Function",
         "No Contrast"}

# Root operation → (words before the body part, how the device joins it). "{D}" stands for the device.
_DEVICE_FIRST = {
    "Change": "Change {D} in",
    "Insertion": "Insertion of {D} into",
    "Removal": "Removal of {D} from",
    "Revision": "Revision of {D} in",
}
_VERB = {
    "Control": "Control Bleeding in",
    "Detachment": "Detachment at",
    "Extirpation": "Extirpation of Matter from",
    "Fragmentation": "Fragmentation in",
    "Map": "Map",
    "Release": "Release",
    "Repair": "Repair",
    "Reposition": "Reposition",
    "Supplement": "Supplement",
    "Transfer": "Transfer",
    "Bypass": "Bypass",
}
# Qualifiers joined right after the body part (", Syngeneic") rather than after the approach.
_QUALIFIER_AFTER_BODY = {"Detachment", "Transplantation", "Fusion", "Replacement"}
_QUALIFIER_BEFORE_APPROACH = {"Full Thickness", "Partial Thickness", "Multiple", "Cemented", "Uncemented"}
_QUALIFIER_USING = {"Drug-Coated Balloon", "Laser Interstitial Thermal Therapy"}


_COUNTS = {"Two", "Three", "Four or More"}


_SIDES = ("Right", "Left", "Bilateral")
# Tails the titles keep after the body part ("Coronary Artery, Two Arteries", "Thoracic Aorta, Descending").
_KEPT_TAILS = re.compile(r"^(One|Two|Three|Four)\b|^(Ascending/Arch|Descending|Ectopic|Retained)$")


def body_part_words(label: str) -> str:
    """``"Kidney, Left"`` → ``"Left Kidney"``: the order the long titles print a qualified body part.

    ``"Hip Joint, Femoral Surface, Left"`` → ``"Left Hip Joint, Femoral Surface"``.
    """
    parts = label.split(", ")
    if len(parts) == 1:
        return label
    if len(parts) > 2:
        return f"{parts[-1]} {', '.join(parts[:-1])}" if parts[-1] in _SIDES else label
    head, tail = parts
    if _KEPT_TAILS.search(tail):
        return label
    return f"{tail} {head}"


def device_words(label: str) -> str:
    """``"Intraluminal Device, Drug-eluting, Three"`` → ``"Three Drug-eluting Intraluminal Devices"``."""
    parts = label.split(", ")
    if len(parts) == 1 or not parts[0].endswith(("Device", "Substitute")):
        return label
    base, rest = parts[0], parts[1:]
    count = rest.pop() if rest[-1] in _COUNTS else None
    words = " ".join([*rest, base])
    return f"{count} {words}s" if count else words


def _approach(label: str) -> str:
    return label if label.startswith("Via ") or label.endswith("Approach") else f"{label} Approach"


def _using(label: str, noun: str) -> str:
    return label if label.endswith(noun) else f"{label} {noun}"


def pcs_title(labels: Sequence[str]) -> str:
    """The long title of a code from its seven axis labels (section, body system, operation, ...)."""
    section = labels[0]
    if section in ("Medical and Surgical", "Obstetrics", "New Technology"):
        text = _surgical(*labels[2:])
    elif section in ("Imaging", "Nuclear Medicine"):
        text = _imaging(*labels[2:])
    elif section == "Placement":
        text = _placement(*labels[2:])
    elif section == "Administration":
        text = _administration(*labels[2:])
    elif section == "Radiation Therapy":
        text = _radiation(*labels[2:])
    elif section == "Measurement and Monitoring":
        text = _monitoring(*labels[2:])
    elif section == "Physical Rehabilitation and Diagnostic Audiology":
        text = _rehabilitation(*labels[2:])
    else:
        operation, part = labels[2], labels[3]
        tail = [x for x in labels[4:] if x not in _NONE]
        text = f"{operation} of {body_part_words(part)}" + (", " + ", ".join(tail) if tail else "")
    return re.sub(r"\s+", " ", text)


def _surgical(operation: str, part: str, approach: str, device: str, qualifier: str) -> str:
    dev = "" if device in _NONE else device_words(device)
    qual = "" if qualifier in _NONE else qualifier
    bp = body_part_words(part)
    if operation in _DEVICE_FIRST and dev:
        text = f"{_DEVICE_FIRST[operation].format(D=dev)} {bp}"
    else:
        text = f"{_VERB.get(operation, operation + ' of')} {bp}"
        if qual and operation in ("Bypass", "Transfer"):
            joint = "with" if operation == "Transfer" and "Nerve" not in qual else "to"
            text += f" {joint} {body_part_words(qual)}"
            qual = ""
        if qual == "Bifurcation":
            text += ", Bifurcation,"
            qual = ""
        if dev:
            text += f" with {dev}"
        if qual in _QUALIFIER_USING:
            text += f"{',' if dev else ''} using {qual}"
            qual = ""
    if qual and (operation in _QUALIFIER_AFTER_BODY or qual in _QUALIFIER_BEFORE_APPROACH):
        text += f", {qual}"
        qual = ""
    text += f", {_approach(approach)}"
    if qual:
        text += f", {qual}"
    return text


def _imaging(kind: str, part: str, contrast: str, qualifier: str, qualifier2: str) -> str:
    text = f"{kind} of {body_part_words(part)}"
    if contrast not in _NONE:
        nuclear = "Nuclear Medicine" in kind
        text += f" using {contrast if nuclear else _using(contrast, 'Contrast')}"
    tail = [x for x in (qualifier, qualifier2) if x not in _NONE]
    return text + (", " + ", ".join(tail) if tail else "")


def _placement(operation: str, part: str, _approach_label: str, device: str, qualifier: str) -> str:
    bp = body_part_words(part)
    if device in _NONE:
        return f"{operation} of {bp}"
    if operation == "Removal":
        return f"Removal of {device} on {bp}"
    if operation == "Change":
        return f"Change {device} on {bp}"
    return f"{operation} of {bp} using {device}"


def _administration(operation: str, part: str, approach: str, substance: str, qualifier: str) -> str:
    bp = body_part_words(part)
    qual = "" if qualifier in _NONE else qualifier
    if operation in ("Introduction", "Transfusion"):
        what = substance if not qual else f"{qual} {substance}" if operation == "Transfusion" else qual
        text = f"{operation} of {what} into {bp}, {_approach(approach)}"
        return text
    text = f"{operation} of {bp} using {substance}, {_approach(approach)}"
    return text + (f", {qual}" if qual else "")


def _radiation(modality: str, site: str, modality_qualifier: str, isotope: str, qualifier: str) -> str:
    where = body_part_words(site)
    if modality == "Brachytherapy":
        text = f"{modality_qualifier} Brachytherapy of {where}"
        text += f" using {isotope}" if isotope not in _NONE else ""
    elif modality == "Beam Radiation":
        text = f"Beam Radiation of {where} using {modality_qualifier}"
    else:
        text = f"{modality_qualifier} of {where}"
    return text + (f", {qualifier}" if qualifier not in _NONE else "")


def _monitoring(operation: str, system: str, approach: str, function: str, qualifier: str) -> str:
    text = f"{operation} of {system} {function}"
    text += f", {qualifier}" if qualifier not in _NONE else ""
    return f"{text}, {_approach(approach)}"


def _rehabilitation(kind: str, system: str, kind_qualifier: str, equipment: str, _qualifier: str) -> str:
    if kind == "Caregiver Training":
        text = f"Caregiver Training in {kind_qualifier}"
    else:
        noun = next((w for w in ("Treatment", "Assessment") if kind.endswith(w)), kind)
        text = f"{kind_qualifier} {noun}" if noun != kind else f"{kind_qualifier} {kind}"
    if system not in _NONE:
        text += f" of {system}"
    if equipment not in _NONE:
        text += f" using {_using(equipment, 'Equipment')}"
    return text
