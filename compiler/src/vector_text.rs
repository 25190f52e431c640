//! A vector written as text: numbers separated by spaces, commas or `;`,
//! brackets allowed. A feed's `--vector-column` and the `--vectors` file
//! (`embeddings.rs`) both read vectors so; a module of its own because the
//! compiler reads the `--vectors` file and the feeds feed the compiler: were
//! this parser in `feeds`, `compile` → `embeddings` → `feeds` → `compile`
//! would be an import circle.

/// Parses a vector written as numbers separated by spaces, commas or `;` (brackets allowed).
pub fn parse_vector(text: &str) -> Result<Vec<f32>, String> {
    text.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<f32>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{s:?} is not a number"))
        })
        .collect()
}
