//! Check-digit algorithms of the identity-number schemes
//! (docs/IDENTITIES.md#national-id-numbers-unique-by-construction).
//!
//! Every function takes the payload as ASCII digits (`b'0'..=b'9'`) and returns the check value;
//! none of them allocates or panics.

/// The numeric value of an ASCII digit (0 for anything else, which callers never pass).
#[inline(always)]
fn val(c: u8) -> u32 {
    c.wrapping_sub(b'0') as u32 % 10
}

/// `Σ wᵢ·dᵢ` over the shorter of the two sequences.
pub fn weighted_sum(digits: &[u8], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(&c, &w)| val(c) * w).sum()
}

/// The payload as an integer (at most 19 digits are meaningful).
pub fn value(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |acc, &c| acc.wrapping_mul(10).wrapping_add(val(c) as u64))
}

/// The Luhn check digit that makes `payload ++ check` pass the Luhn test.
pub fn luhn(payload: &[u8]) -> u8 {
    // The check digit will sit at the rightmost position, so the rightmost payload digit is doubled.
    let mut sum = 0;
    for (i, &c) in payload.iter().rev().enumerate() {
        let mut d = val(c);
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    ((10 - sum % 10) % 10) as u8
}

/// The ISO 7064 MOD 11,10 (hybrid) check digit.
pub fn mod11_10(payload: &[u8]) -> u8 {
    let mut p = 10;
    for &c in payload {
        let mut s = (p + val(c)) % 10;
        if s == 0 {
            s = 10;
        }
        p = (2 * s) % 11;
    }
    ((11 - p) % 10) as u8
}

/// Verhoeff's dihedral-group multiplication table `d(j, k)`.
const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

/// Verhoeff's base permutation; position `i` applies it `i mod 8` times.
const VERHOEFF_P1: [u8; 10] = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];

/// Inverses in the dihedral group D5.
const VERHOEFF_INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// The Verhoeff check digit of `payload`.
pub fn verhoeff(payload: &[u8]) -> u8 {
    let mut c = 0u8;
    for (i, &ch) in payload.iter().rev().enumerate() {
        // The check digit takes position 0, so payload digit i (from the right) is at position i + 1.
        let mut x = val(ch) as u8;
        for _ in 0..(i + 1) % 8 {
            x = VERHOEFF_P1[x as usize % 10];
        }
        c = VERHOEFF_D[c as usize % 10][x as usize % 10];
    }
    VERHOEFF_INV[c as usize % 10]
}

/// The Italian codice fiscale check letter of the first 15 characters (A–Z, 0–9).
pub fn codice_fiscale(payload: &[u8]) -> u8 {
    // Values of the characters at odd (1-based) positions, for 0–9 / A–Z alike.
    const ODD: [u32; 26] =
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
    let mut sum = 0u32;
    for (i, &c) in payload.iter().enumerate() {
        let k = match c {
            b'0'..=b'9' => (c - b'0') as usize,
            b'A'..=b'Z' => (c - b'A') as usize,
            _ => 0,
        };
        sum += if i % 2 == 0 { ODD[k % 26] } else { k as u32 };
    }
    b'A' + (sum % 26) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_known_values() {
        assert_eq!(luhn(b"7992739871"), 3);
        assert_eq!(luhn(b"06018159"), 1);
        assert_eq!(luhn(b"19960423481"), 5);
    }

    #[test]
    fn mod11_10_known_values() {
        assert_eq!(mod11_10(b"1830166131"), 8);
        assert_eq!(mod11_10(b"8594916720"), 0);
    }

    #[test]
    fn verhoeff_known_values() {
        assert_eq!(verhoeff(b"236"), 3);
        assert_eq!(verhoeff(b"19960423481"), 3);
    }

    #[test]
    fn codice_fiscale_known_value() {
        assert_eq!(codice_fiscale(b"RSSGNN96D23H501"), b'K');
    }
}
