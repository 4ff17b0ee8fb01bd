//! Short task ids people can type: six characters from an alphabet without look-alikes.
//! Any unique prefix of three or more characters is accepted wherever an id is.

const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
pub const LEN: usize = 6;

/// A small xorshift generator seeded from the clock and pid: ids only need to be unlikely to
/// collide (the store retries on the rare clash), not unpredictable.
pub struct IdGen(u64);

impl IdGen {
    pub fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        IdGen(nanos ^ (u64::from(std::process::id()) << 32) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn next_id(&mut self) -> String {
        let mut n = self.next_u64();
        (0..LEN)
            .map(|_| {
                let c = ALPHABET[(n % ALPHABET.len() as u64) as usize];
                n /= ALPHABET.len() as u64;
                c as char
            })
            .collect()
    }
}

impl Default for IdGen {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `text` could be (a prefix of) an id; guards queries against odd input.
pub fn looks_like_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= LEN && text.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_and_typeable() {
        let mut g = IdGen::new();
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| g.next_id()).collect();
        assert!(ids.len() > 9_990);
        assert!(ids.iter().all(|id| id.len() == LEN && looks_like_id(id)));
    }
}
