//! Small allocation-free text helpers shared by the writers.

use crate::out::Out;

/// Appends `s` as a JSON string literal (RFC 8259 minimal escaping, DOMAIN.md §8.3).
#[inline]
pub fn json_str<O: Out + ?Sized>(out: &mut O, s: &str) {
    out.byte(b'"');
    json_escaped(out, s);
    out.byte(b'"');
}

/// Appends the JSON-escaped content of `s` (without quotes).
#[inline]
pub fn json_escaped<O: Out + ?Sized>(out: &mut O, s: &str) {
    let b = s.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                out.put(&b[start..i]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.put(b"\\u00");
                out.byte(HEX[(c >> 4) as usize]);
                out.byte(HEX[(c & 15) as usize]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.put(&b[start..i]);
        out.put(esc);
        start = i + 1;
    }
    out.put(&b[start..]);
}

/// Appends an unsigned integer.
#[inline]
pub fn uint<O: Out + ?Sized>(out: &mut O, v: u64) {
    out.put(itoa::Buffer::new().format(v).as_bytes());
}

/// Appends a signed integer.
#[inline]
pub fn int<O: Out + ?Sized>(out: &mut O, v: i64) {
    out.put(itoa::Buffer::new().format(v).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_minimally() {
        let mut v = Vec::new();
        json_str(&mut v, "a\"b\\c\n\u{1}/\u{7f}\u{2028}é");
        assert_eq!(String::from_utf8(v).unwrap(), "\"a\\\"b\\\\c\\n\\u0001/\u{7f}\u{2028}é\"");
    }
}
