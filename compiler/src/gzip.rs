//! What a file costs on the wire, as the compiler reports it (`catalog inspect`, `catalog diff`).

/// Bytes of `bytes` gzipped at level 9, as a server would send them.
pub(crate) fn gzipped(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let written = encoder.write_all(bytes).and_then(|()| encoder.finish());
    written.map_or(bytes.len(), |out| out.len())
}
