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

/// "00" … "99".
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// The two ASCII digits of `v < 100` as a little-endian word (tens in the low byte).
#[inline(always)]
pub fn digit_pair(v: u32) -> u64 {
    let i = v as usize * 2;
    u64::from(u16::from_le_bytes([PAIRS[i], PAIRS[i + 1]]))
}

/// The decimal digits of `v < 100_000` as the bytes of a little-endian word (first digit in the
/// lowest byte), and their count — built in a register and written with one
/// [`Out::put_prefix`] instead of a variable-length copy.
#[inline(always)]
pub fn small_digits(v: u32) -> (u64, usize) {
    if v < 10 {
        (u64::from(b'0') + u64::from(v), 1)
    } else if v < 100 {
        (digit_pair(v), 2)
    } else if v < 1000 {
        ((u64::from(b'0') + u64::from(v / 100)) | (digit_pair(v % 100) << 8), 3)
    } else if v < 10_000 {
        (digit_pair(v / 100) | digit_pair(v % 100) << 16, 4)
    } else {
        let r = v % 10_000;
        ((u64::from(b'0') + u64::from(v / 10_000 % 10)) | (digit_pair(r / 100) << 8) | (digit_pair(r % 100) << 24), 5)
    }
}

/// Appends an unsigned integer.
#[inline(always)]
pub fn uint<O: Out + ?Sized>(out: &mut O, v: u64) {
    if v < 100_000 {
        let (w, len) = small_digits(v as u32);
        out.put_prefix(&w.to_le_bytes(), len);
        return;
    }
    out.put(itoa::Buffer::new().format(v).as_bytes());
}

/// Appends a signed integer.
#[inline]
pub fn int<O: Out + ?Sized>(out: &mut O, v: i64) {
    if (0..100_000).contains(&v) {
        uint(out, v as u64);
        return;
    }
    out.put(itoa::Buffer::new().format(v).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_decimal() {
        let edges = (1..=19).flat_map(|k| [10u64.pow(k) - 1, 10u64.pow(k), 10u64.pow(k) + 1]);
        for v in (0..200_000u64).chain((0..100_000_000).step_by(997)).chain(edges).chain([u64::MAX, 1 << 40]) {
            let mut a = Vec::new();
            uint(&mut a, v);
            assert_eq!(a, v.to_string().as_bytes());
        }
        for v in (-2000..200_000i64).chain([i64::MIN, i64::MAX, -100_000, 99_999_999, 100_000_000]) {
            let mut a = Vec::new();
            int(&mut a, v);
            assert_eq!(a, v.to_string().as_bytes());
        }
    }

    #[test]
    fn escapes_minimally() {
        let mut v = Vec::new();
        json_str(&mut v, "a\"b\\c\n\u{1}/\u{7f}\u{2028}é");
        assert_eq!(String::from_utf8(v).unwrap(), "\"a\\\"b\\\\c\\n\\u0001/\u{7f}\u{2028}é\"");
    }
}
