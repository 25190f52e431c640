//! Deterministic item vectors from text and attributes: hashed word and
//! character n-grams, projected to `dims` dimensions by signed feature
//! hashing (FNV-1a, 64-bit; never a randomly keyed hasher), L2-normalised.

use flaneur::util::sorted_map::SortedMap;

/// FNV-1a over a namespace byte and the token's bytes.
pub fn fnv1a(namespace: u8, token: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in std::iter::once(&namespace).chain(token.as_bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Lower-cased alphanumeric words of `text`.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// Accumulates weighted features into a `dims`-dimensional vector.
pub struct Vectorizer {
    dims: usize,
    acc: Vec<f32>,
}

impl Vectorizer {
    pub fn new(dims: usize) -> Self {
        Self { dims, acc: vec![0.0; dims] }
    }

    fn add(&mut self, namespace: u8, token: &str, weight: f32) {
        let h = fnv1a(namespace, token);
        let index = (h % self.dims as u64) as usize;
        let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
        self.acc[index] += sign * weight;
    }

    /// Adds a block of tokens whose total weight is `weight` whatever its length
    /// (each token weighs `weight / sqrt(n)`), so a long description does not drown the title.
    fn block(&mut self, namespace: u8, tokens: &[String], weight: f32) {
        if tokens.is_empty() {
            return;
        }
        let w = weight / (tokens.len() as f32).sqrt();
        for t in tokens {
            self.add(namespace, t, w);
        }
    }

    /// The vector of one item: title words and their character trigrams,
    /// description words, every level of the category path, `facet=value`
    /// attributes and extra tokens (tags, option values).
    pub fn item(
        &mut self,
        title: &str,
        description: &str,
        category: &str,
        attributes: &SortedMap<String, String>,
        extra: &[String],
    ) -> Vec<f32> {
        self.acc.iter_mut().for_each(|x| *x = 0.0);
        if self.dims == 0 {
            return Vec::new();
        }
        let title_words: Vec<String> = words(title).collect();
        let mut grams = Vec::new();
        for w in &title_words {
            let chars: Vec<char> =
                std::iter::once('#').chain(w.chars()).chain(std::iter::once('#')).collect();
            for g in chars.windows(3) {
                grams.push(g.iter().collect::<String>());
            }
        }
        let description_words: Vec<String> = words(description).take(300).collect();
        let mut path = String::new();
        let mut levels = Vec::new();
        for level in category.split('>').map(str::trim) {
            if !path.is_empty() {
                path.push_str(" > ");
            }
            path.push_str(&level.to_lowercase());
            levels.push(path.clone());
        }
        let attrs: Vec<String> =
            attributes.iter().map(|(f, v)| format!("{f}={}", v.to_lowercase())).collect();
        let extra: Vec<String> = extra.iter().flat_map(|e| words(e).collect::<Vec<_>>()).collect();
        self.block(b'w', &title_words, 2.0);
        self.block(b'c', &grams, 1.0);
        self.block(b'w', &description_words, 1.0);
        self.block(b'k', &levels, 1.5);
        self.block(b'a', &attrs, 1.5);
        self.block(b'w', &extra, 0.75);
        let norm = self.acc.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 { self.acc.iter().map(|x| x / norm).collect() } else { self.acc.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_normalised_and_similar_for_similar_items() {
        let attrs = SortedMap::from([("color".to_string(), "red".to_string())]);
        let mut v = Vectorizer::new(64);
        let a = v.item("Red wool sweater", "Warm", "Women > Knitwear", &attrs, &[]);
        let a2 = v.item("Red wool sweater", "Warm", "Women > Knitwear", &attrs, &[]);
        let b = v.item("Red merino sweater", "Soft", "Women > Knitwear", &attrs, &[]);
        let c = v.item("Garden hose 20 m", "Green", "Home > Garden", &SortedMap::new(), &[]);
        assert_eq!(a, a2);
        let dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f32>();
        assert!((dot(&a, &a) - 1.0).abs() < 1e-5);
        assert!(dot(&a, &b) > dot(&a, &c) + 0.2, "{} vs {}", dot(&a, &b), dot(&a, &c));
        assert_eq!(fnv1a(0, ""), 0xaf63_bd4c_8601_b7df);
    }
}
