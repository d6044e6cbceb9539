#!/usr/bin/env python3
"""Cross-checks generated national identity numbers with python-stdnum (docs/IDENTITIES.md).

Reads lines `CODE<TAB>number<TAB>YYYY-MM-DD<TAB>male|female` from stdin, validates each number
with the python-stdnum module cited for its scheme and compares the birth-date parts and gender
that the number holds with the record. NOR is checked with the project's own rules (stdnum's
no.fodselsnummer does not know the +80 month range), USA must fail us.ssn and us.itin, CAN must
pass the Luhn test (stdnum's ca.sin rejects the never-assigned first digit 0 by design), LUX is
checked with stdnum's generic luhn and verhoeff modules, ALB/HUN/GBR by shape only.

stdnum rejects birth dates after today and guesses some centuries (SWE from today, GRC 19xx, ITA
from 1920), so only the date parts a number holds are compared. Prints `checked N, failed M` and
exits with status 1 listing the failures when any number fails.

Install the dependency with `pip install python-stdnum`.
"""

import datetime
import re
import sys

try:
    from stdnum import luhn, verhoeff
    from stdnum.au import tfn
    from stdnum.be import nn
    from stdnum.bg import egn
    from stdnum.ca import sin
    from stdnum.cz import rc as cz_rc
    from stdnum.de import idnr
    from stdnum.dk import cpr
    from stdnum.ee import ik
    from stdnum.es import dni
    from stdnum.exceptions import InvalidComponent
    from stdnum.fi import hetu
    from stdnum.fr import nir
    from stdnum.gr import amka
    from stdnum.hr import oib
    from stdnum.is_ import kennitala
    from stdnum.it import codicefiscale
    from stdnum.lt import asmens
    from stdnum.lv import pvn
    from stdnum.nl import bsn
    from stdnum.nz import ird
    from stdnum.pl import pesel
    from stdnum.pt import nif
    from stdnum.ro import cnp
    from stdnum.se import personnummer
    from stdnum.si import emso
    from stdnum.sk import rc as sk_rc
    from stdnum.tr import tckimlik
    from stdnum.us import itin, ssn
except ImportError as exc:  # pragma: no cover
    sys.exit(f"python-stdnum is missing ({exc}): run `pip install python-stdnum`")


class Mismatch(Exception):
    """A number that stdnum accepts but whose embedded data disagree with the record."""


def expect(cond, what):
    if not cond:
        raise Mismatch(what)


def same_parts(got, birth, full_year=True):
    """Compares a date held by a number: full year, or year modulo 100 when stdnum guesses it."""
    expect((got.month, got.day) == (birth.month, birth.day), f"date {got} != {birth}")
    if full_year:
        expect(got.year == birth.year, f"year {got.year} != {birth.year}")
    else:
        expect(got.year % 100 == birth.year % 100, f"year {got.year} !~ {birth.year}")


def digits(number):
    return re.sub(r"\D", "", number)


def gender_is(got, male):
    expect(got == ("M" if male else "F"), f"gender {got}")


def check_nor(number, birth, male):
    """The project's own NOR checker: stdnum's check rules with birth month = MM - 80."""
    expect(re.fullmatch(r"\d{6} \d{5}", number), "NOR shape")
    d = [int(c) for c in digits(number)]
    k1 = (11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d)) % 11) % 11
    k2 = (11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d)) % 11) % 11
    expect(k1 < 10 and k2 < 10 and (k1, k2) == (d[9], d[10]), "NOR check digits")
    individual = d[6] * 100 + d[7] * 10 + d[8]
    yy = d[4] * 10 + d[5]
    if individual < 500:
        year = 1900 + yy
    else:
        expect(yy <= 39, "NOR individual number 500-999 only for 2000-2039")
        year = 2000 + yy
    month = d[2] * 10 + d[3] - 80
    same_parts(datetime.date(year, month, d[0] * 10 + d[1]), birth)
    expect(individual % 2 == (1 if male else 0), "NOR gender digit")


def check(code, number, birth, male):
    d = digits(number)
    if code == "ALB":
        expect(re.fullmatch(r"[A-Z]\d{8}[A-Z]", number), "ALB shape")
    elif code == "BEL":
        nn.validate(number)
        same_parts(nn.get_birth_date(number), birth)
        gender_is(nn.get_gender(number), male)
    elif code == "BGR":
        egn.validate(number)
        same_parts(egn.get_birth_date(number), birth)
        expect(int(d[8]) % 2 == (0 if male else 1), "BGR gender digit")
    elif code == "CAN":
        # ca.sin rejects first digit 0 ("not assigned"), which is why the scheme uses it.
        try:
            sin.validate(number)
            raise Mismatch("ca.sin accepted a number with first digit 0")
        except InvalidComponent:
            pass
        expect(d[0] == "0" and len(d) == 9 and luhn.is_valid(d), "CAN Luhn")
    elif code == "HRV":
        oib.validate(number)
    elif code in ("CZE", "SVK"):
        module = cz_rc if code == "CZE" else sk_rc
        module.validate(number)
        # sk.rc re-exports cz.rc's validation but not its date helper.
        same_parts(cz_rc.get_birth_date(number), birth)
        expect((int(d[2:4]) > 50) == (not male), "rodné číslo gender")
    elif code == "DNK":
        cpr.validate(number)
        same_parts(cpr.get_birth_date(number), birth)
        expect(int(d[-1]) % 2 == (1 if male else 0), "DNK gender digit")
    elif code in ("EST", "LTU"):
        (ik if code == "EST" else asmens).validate(number)
        same_parts(ik.get_birth_date(number), birth)
        gender_is(ik.get_gender(number), male)
    elif code == "FIN":
        hetu.validate(number, allow_temporary=True)
        # The classic century signs and the five per century added on 2023-01-01.
        century = 1900 if number[6] in "-YXWVU" else 2000
        same_parts(datetime.date(century + int(d[4:6]), int(d[2:4]), int(d[0:2])), birth)
        expect(int(d[6:9]) % 2 == (1 if male else 0), "FIN gender digit")
    elif code == "FRA":
        nir.validate(number)
        expect((int(d[1:3]), int(d[3:5])) == (birth.year % 100, birth.month), "FRA year/month")
        expect(d[0] == ("1" if male else "2"), "FRA sex digit")
    elif code == "DEU":
        idnr.validate(number)
    elif code == "GRC":
        amka.validate(number)
        same_parts(amka.get_birth_date(number), birth, full_year=False)
        gender_is(amka.get_gender(number), male)
    elif code == "HUN":
        expect(re.fullmatch(r"\d{6}[A-Z]{2}", number), "HUN shape")
    elif code == "ISL":
        kennitala.validate(number)
        century = {"9": 1900, "0": 2000}[d[-1]]
        same_parts(datetime.date(century + int(d[4:6]), int(d[2:4]), int(d[0:2])), birth)
    elif code == "ITA":
        codicefiscale.validate(number)
        same_parts(codicefiscale.get_birth_date(number), birth, full_year=False)
        gender_is(codicefiscale.get_gender(number), male)
    elif code == "LVA":
        pvn.validate(number)
        expect(d.startswith("32"), "LVA prefix 32")
    elif code == "LUX":
        expect(len(d) == 13 and d == number, "LUX shape")
        expect(luhn.is_valid(d[:12]), "LUX Luhn digit")
        expect(verhoeff.is_valid(d[:11] + d[12]), "LUX Verhoeff digit")
        same_parts(datetime.date(int(d[0:4]), int(d[4:6]), int(d[6:8])), birth)
    elif code in ("MNE", "MKD", "SVN"):
        emso.validate(number)
        same_parts(emso.get_birth_date(number), birth)
        gender_is(emso.get_gender(number), male)
        region = int(emso.get_region(number))
        allowed = {"MNE": range(21, 30), "MKD": range(41, 50), "SVN": range(50, 51)}[code]
        expect(region in allowed, f"{code} region {region}")
    elif code == "NLD":
        bsn.validate(number)
    elif code == "NOR":
        check_nor(number, birth, male)
    elif code == "POL":
        pesel.validate(number)
        same_parts(pesel.get_birth_date(number), birth)
        gender_is(pesel.get_gender(number), male)
    elif code == "PRT":
        nif.validate(number)
        expect(d[0] == "2", "PRT first digit 2")
    elif code == "ROU":
        cnp.validate(number)
        same_parts(cnp.get_birth_date(number), birth)
        expect(int(d[0]) % 2 == (1 if male else 0), "ROU S digit")
    elif code == "ESP":
        dni.validate(number)
    elif code == "SWE":
        personnummer.validate(number)
        same_parts(personnummer.get_birth_date(number), birth, full_year=False)
        gender_is(personnummer.get_gender(number), male)
    elif code == "TUR":
        tckimlik.validate(number)
    elif code == "GBR":
        expect(re.fullmatch(r"Q[ABCEGHJKLMNPRSTWXYZ] \d\d \d\d \d\d [A-D]", number), "GBR shape")
    elif code == "USA":
        expect(re.fullmatch(r"9\d\d-(0[1-9]|[1-4]\d)-\d{4}", number) and not d.endswith("0000"), "USA shape")
        expect(not ssn.is_valid(number), "us.ssn accepted a USA number")
        expect(not itin.is_valid(number), "us.itin accepted a USA number")
    elif code == "AUS":
        tfn.validate(number)
    elif code == "NZL":
        ird.validate(number)
    else:
        raise Mismatch(f"unknown nation code {code}")


def main():
    failures = []
    checked = 0
    for lineno, line in enumerate(sys.stdin, 1):
        line = line.rstrip("\n")
        if not line:
            continue
        checked += 1
        try:
            code, number, birth, gender = line.split("\t")
            birth = datetime.date.fromisoformat(birth)
            check(code, number, birth, gender == "male")
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none aborts the run
            failures.append(f"{line}\t{type(exc).__name__}: {exc}")
    print(f"checked {checked}, failed {len(failures)}")
    for f in failures[:200]:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
