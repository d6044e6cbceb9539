//! Where the record writers append bytes: a growable `Vec<u8>`, or a [`Cursor`] over a fixed,
//! initialised buffer.
//!
//! A record is written as a hundred or so short appends (keys, vocabulary words, numbers, names).
//! Appending to a `Vec` checks and stores its length every time, and a variable-length
//! `extend_from_slice` is a call to `memcpy` — on wasm a `memory.copy`, which V8 runs as a call into
//! C. A [`Cursor`] keeps its position in a register, copies short pieces as a few word moves, and
//! checks one bound per append; the writer then appends the finished record to its chunk at once.

/// A byte sink for the text helpers ([`crate::format::text`], [`crate::civil`]).
pub trait Out {
    /// Appends `s`.
    fn put(&mut self, s: &[u8]);
    /// Appends one byte.
    fn byte(&mut self, b: u8);
    /// Appends `w[..len]` (`len <= N`). A [`Cursor`] with room stores all `N` bytes at once and
    /// advances by `len`: the bytes past `len` are overwritten by the next append.
    #[inline(always)]
    fn put_prefix<const N: usize>(&mut self, w: &[u8; N], len: usize) {
        self.put(&w[..len.min(N)]);
    }
}

impl Out for Vec<u8> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        self.extend_from_slice(s);
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.push(b);
    }
}

/// Writes into a fixed buffer from position 0. An append that does not fit is dropped, but the
/// position still advances, so [`Cursor::finish`] reports how large the buffer must be to hold
/// everything; the caller grows the buffer and writes again.
#[derive(Debug)]
pub struct Cursor<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `buf`.
    #[inline(always)]
    pub fn new(buf: &'a mut [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    /// `Ok(n)`: everything was written, in `buf[..n]`; `Err(n)`: the buffer was too small, `n`
    /// bytes are needed.
    #[inline(always)]
    pub fn finish(self) -> Result<usize, usize> {
        if self.pos <= self.buf.len() {
            Ok(self.pos)
        } else {
            Err(self.pos)
        }
    }
}

impl Out for Cursor<'_> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        let p = self.pos;
        // `p` never exceeds the sum of the lengths of live slices, so `p + s.len()` cannot wrap.
        if let Some(dst) = self.buf.get_mut(p..p + s.len()) {
            copy_short(dst, s);
        }
        self.pos = p + s.len();
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        if let Some(d) = self.buf.get_mut(self.pos) {
            *d = b;
        }
        self.pos += 1;
    }

    #[inline(always)]
    fn put_prefix<const N: usize>(&mut self, w: &[u8; N], len: usize) {
        let p = self.pos;
        match self.buf.get_mut(p..p + N) {
            Some(dst) if len <= N => {
                dst.copy_from_slice(w);
                self.pos = p + len;
            }
            _ => self.put(&w[..len.min(N)]),
        }
    }
}

/// `dst.copy_from_slice(src)` (equal lengths), with slices of up to 128 bytes (every vocabulary
/// word, number and constant fragment of a record) moved as overlapping words instead of a `memcpy`
/// call.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n != dst.len() {
        return;
    }
    match n {
        0 => {}
        1..=3 => {
            // First, middle and last byte cover lengths 1, 2 and 3.
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => ends::<4>(dst, src),
        8..=16 => ends::<8>(dst, src),
        17..=32 => ends::<16>(dst, src),
        33..=64 => ends::<32>(dst, src),
        65..=128 => ends::<64>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

/// Copies the first and the last `W` bytes (`W <= n <= 2W`, equal lengths): together, all of them.
#[inline(always)]
fn ends<const W: usize>(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    dst[..W].copy_from_slice(&src[..W]);
    dst[n - W..].copy_from_slice(&src[n - W..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_writes_every_length_like_a_vec() {
        let src: Vec<u8> = (0..150u8).map(|i| i.wrapping_mul(37).wrapping_add(1)).collect();
        for prefix in [0usize, 1, 5, 13] {
            for n in 0..=140 {
                for at in [0usize, 3] {
                    let piece = &src[at..at + n];
                    let mut want: Vec<u8> = vec![b'x'; prefix];
                    want.put(piece);
                    want.byte(b'!');
                    let mut buf = vec![0u8; 256];
                    let mut cur = Cursor::new(&mut buf);
                    for _ in 0..prefix {
                        cur.byte(b'x');
                    }
                    cur.put(piece);
                    cur.byte(b'!');
                    let len = cur.finish().unwrap();
                    assert_eq!(&buf[..len], &want[..], "prefix {prefix}, {n} bytes from {at}");
                }
            }
        }
    }

    #[test]
    fn put_prefix_appends_only_the_prefix() {
        let w = *b"abcdefgh";
        for len in 0..=8 {
            let mut want: Vec<u8> = b"<".to_vec();
            want.put_prefix(&w, len);
            want.byte(b'>');
            // Room for all 8 bytes, and too little room near the end of the buffer.
            for size in [64, want.len()] {
                let mut buf = vec![0u8; size];
                let mut cur = Cursor::new(&mut buf);
                cur.byte(b'<');
                cur.put_prefix(&w, len);
                cur.byte(b'>');
                let n = cur.finish().unwrap();
                assert_eq!(&buf[..n], &want[..], "len {len}, buffer {size}");
            }
        }
    }

    #[test]
    fn cursor_reports_the_size_it_needed() {
        // Too small: what fitted is written, the size needed is reported; then just large enough.
        for (size, result, written) in [(10, Err(19), &b"0123456789"[..]), (19, Ok(19), b"0123456789abcdef!xy")] {
            let mut buf = vec![0u8; size];
            let mut cur = Cursor::new(&mut buf);
            cur.put(b"0123456789");
            cur.put(b"abcdef");
            cur.byte(b'!');
            cur.put(b"xy");
            assert_eq!(cur.finish(), result);
            assert_eq!(&buf[..], written);
        }
    }
}
