//! Helpers shared by the integration tests (native and in the browser).
#![allow(dead_code)]

use flaneur::util::bytes::crc32;

/// A binary v1 catalog (docs/FORMATS.md, "Catalog, binary v1"), written field by field.
#[derive(Default)]
pub struct Bin(Vec<u8>);

impl Bin {
    fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn str(&mut self, s: &str) -> &mut Self {
        self.u32(s.len() as u32);
        self.0.extend(s.as_bytes());
        self
    }
    fn u32s(&mut self, vs: &[u32]) -> &mut Self {
        self.u32(vs.len() as u32);
        for &v in vs {
            self.u32(v);
        }
        self
    }
    /// The header with the body's checksum, then the body.
    fn seal(&self) -> Vec<u8> {
        let mut out = b"FLNRCAT\0".to_vec();
        out.extend(1u16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(crc32(&self.0).to_le_bytes());
        out.extend(&self.0);
        out
    }
}

pub const NO_STR: u32 = u32::MAX;

/// A two-item catalog whose parts the tests replace: `items` declared, the
/// string table (`text`, `ends`), and the vectors (`dims`, codes, scales).
pub fn binary(
    items: u32,
    text: &str,
    ends: &[u32],
    dims: u32,
    codes: usize,
    scales: usize,
) -> Vec<u8> {
    let mut b = Bin::default();
    b.str("shop").u8(0).u32(dims).u32(0);
    b.str(text).u32s(ends);
    b.u32(1).str("Shoes");
    b.u32(0);
    b.u32(items);
    b.u32s(&[0, 1]).u32s(&[2, 3]).u32s(&[0, 0]).u32s(&[0, 0, 0]).u32s(&[]);
    b.u32(2);
    for p in [12f64, 80.0] {
        b.0.extend(p.to_le_bytes());
    }
    b.u32s(&[NO_STR, NO_STR]);
    b.u32(2).u8(1).u8(1);
    b.u32(2);
    for p in [0.5f32, 0.25] {
        b.0.extend(p.to_le_bytes());
    }
    for _ in 0..4 {
        b.u32s(&[NO_STR, NO_STR]);
    }
    b.u32(codes as u32);
    b.0.extend(std::iter::repeat_n(1u8, codes));
    b.u32(scales as u32);
    for _ in 0..scales {
        b.0.extend(1f32.to_le_bytes());
    }
    b.u32s(&[0, 1]);
    b.seal()
}
