//! The resolved configuration as JSON (DOMAIN.md §2.6) and its RFC 8785 (JCS) serialisation.

use serde_json::{Map, Value};

use super::Resolved;
use crate::data::vocab::{EnvCondition, InjuryType, SpecialEventKind, Triage, Warfare};

/// The canonical JSON text of `r` (RFC 8785): the digest input of `config_sha256`.
pub fn canonical_json(r: &Resolved) -> String {
    jcs(&resolved_to_json(r))
}

/// The resolved configuration as a JSON object in the key names of DOMAIN.md §2.6 (keys in schema
/// order, maps complete and in canonical order). `patientgen validate` prints this.
pub fn resolved_to_json(r: &Resolved) -> Value {
    let mut o = Map::new();
    o.insert("total_patients".into(), Value::from(r.total_patients));
    o.insert("days_of_fighting".into(), Value::from(r.days_of_fighting));
    let mut date = Vec::with_capacity(10);
    crate::text::write_date(&mut date, r.base_date);
    o.insert("base_date".into(), Value::String(String::from_utf8_lossy(&date).into_owned()));
    o.insert("warfare_types".into(), flags(Warfare::TYPES.iter().map(|w| w.as_str()), &r.warfare_types));
    o.insert("intensity".into(), r.intensity.as_str().into());
    o.insert("tempo".into(), r.tempo.as_str().into());
    o.insert("special_events".into(), flags(SpecialEventKind::ALL.iter().map(|k| k.as_str()), &r.special_events));
    o.insert(
        "environmental_conditions".into(),
        flags(EnvCondition::ALL.iter().map(|c| c.as_str()), &r.environmental_conditions),
    );
    o.insert("injury_mix".into(), weights(InjuryType::ALL.iter().map(|t| t.as_str()), &r.injury_mix));
    let fronts = r
        .fronts
        .iter()
        .map(|f| {
            let mut fo = Map::new();
            fo.insert("id".into(), f.id.as_str().into());
            fo.insert("name".into(), f.name.as_str().into());
            fo.insert("casualty_rate".into(), num(f.weight));
            let nations = f
                .nations
                .iter()
                .map(|(n, w)| {
                    let mut no = Map::new();
                    no.insert("nationality_code".into(), n.as_str().into());
                    no.insert("percentage".into(), num(*w));
                    Value::Object(no)
                })
                .collect();
            fo.insert("nationality_distribution".into(), Value::Array(nations));
            Value::Object(fo)
        })
        .collect();
    o.insert("front_configs".into(), Value::Array(fronts));
    let facilities = r
        .facility_overrides
        .iter()
        .map(|f| {
            let mut fo = Map::new();
            fo.insert("facility".into(), f.facility.as_str().into());
            if let Some(id) = &f.front_id {
                fo.insert("front_id".into(), id.as_str().into());
            }
            if let Some(k) = f.kia_rate {
                fo.insert("kia_rate".into(), num(k));
            }
            if let Some(k) = f.rtd_rate {
                fo.insert("rtd_rate".into(), num(k));
            }
            Value::Object(fo)
        })
        .collect();
    o.insert("facility_configs".into(), Value::Array(facilities));
    let mut triage = Map::new();
    for (t, row) in InjuryType::ALL.iter().zip(&r.triage_override) {
        if let Some(row) = row {
            triage.insert(t.as_str().into(), weights(Triage::ALL.iter().map(|c| c.as_str()), row));
        }
    }
    o.insert("triage_override".into(), Value::Object(triage));
    o.insert("flow_model".into(), r.flow_model.as_str().into());
    o.insert("evacuation_capability".into(), r.evacuation_capability.as_str().into());
    let d = &r.demographics;
    let mut demo = Map::new();
    demo.insert("military".into(), d.military.into());
    demo.insert("religion".into(), d.religion.into());
    demo.insert("female_share".into(), num(d.female_share));
    demo.insert("script".into(), d.script.as_str().into());
    o.insert("demographics".into(), Value::Object(demo));
    Value::Object(o)
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn flags<'a>(keys: impl Iterator<Item = &'a str>, on: &[bool]) -> Value {
    Value::Object(keys.zip(on).map(|(k, &b)| (k.to_string(), Value::Bool(b))).collect())
}

fn weights<'a>(keys: impl Iterator<Item = &'a str>, w: &[f64]) -> Value {
    Value::Object(keys.zip(w).map(|(k, &x)| (k.to_string(), num(x))).collect())
}

/// RFC 8785 serialisation of any JSON value: object keys sorted by UTF-16 code units, no
/// whitespace, numbers as ECMAScript writes them, minimal string escapes.
pub fn jcs(v: &Value) -> String {
    let mut out = String::new();
    write_jcs(v, &mut out);
    out
}

fn write_jcs(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push_str(itoa::Buffer::new().format(u));
            } else if let Some(i) = n.as_i64() {
                out.push_str(itoa::Buffer::new().format(i));
            } else {
                out.push_str(&es_number(n.as_f64().unwrap_or(0.0)));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_jcs(x, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            let mut entries: Vec<(&String, &Value)> = o.iter().collect();
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, x)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_jcs(x, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string with the minimal escapes of RFC 8785 (`"`, `\`, and C0 controls).
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript `Number::toString` of a binary64 value (ECMA-262 §6.1.6.1.20): the shortest
/// round-trip digits, written without exponent for 1e-6 ≤ |x| < 1e21 and as `d.ddde±n` otherwise.
/// Non-finite values (never in a configuration) are written as ECMAScript does (`NaN`, `Infinity`).
pub fn es_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` prints the shortest digits that round-trip: `d[.ddd]e<exp>`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i64;
    // x = 0.d1d2…dk × 10^n
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        let e = n - 1;
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(itoa::Buffer::new().format(e.abs()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecmascript_numbers() {
        let cases: [(f64, &str); 20] = [
            (1.0, "1"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (-0.0, "0"),
            (-2.5, "-2.5"),
            (0.6000000000000001, "0.6000000000000001"),
            (0.30000000000000004, "0.30000000000000004"),
            (1440.0, "1440"),
            (12.34, "12.34"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (123e-20, "1.23e-18"),
            (0.12, "0.12"),
            (1.2345e21, "1.2345e+21"),
            (333333333.3333333, "333333333.3333333"),
        ];
        for (x, s) in cases {
            assert_eq!(es_number(x), s, "{x:e}");
        }
    }

    #[test]
    fn strings_and_key_order() {
        let v: Value =
            serde_json::from_str(r#"{"b":"\u0007\n\"\\é\u2028","a":[1,2.0,-3],"\uff01":1,"\ud83d\ude00":2}"#).unwrap();
        // U+FF01 sorts after U+1F600 (surrogates D83D DE00) by UTF-16 code units, unlike by code points.
        assert_eq!(jcs(&v), "{\"a\":[1,2,-3],\"b\":\"\\u0007\\n\\\"\\\\é\u{2028}\",\"\u{1F600}\":2,\"\u{FF01}\":1}");
    }
}
