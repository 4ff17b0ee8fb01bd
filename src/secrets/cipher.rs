//! Sealing one value: XChaCha20-Poly1305 (RustCrypto) with a fresh random 192-bit nonce, bound
//! to where the value belongs (environment and variable name) as associated data, so a sealed
//! value copied to another row or name does not open.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

const NONCE_LEN: usize = 24;

/// The per-user 256-bit key. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    pub fn generate() -> std::io::Result<Key> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(Key(bytes))
    }

    /// The text form kept in the key file or the keyring.
    pub fn encode(&self) -> String {
        B64.encode(self.0)
    }

    pub fn decode(text: &str) -> Option<Key> {
        let bytes = B64.decode(text.trim()).ok()?;
        Some(Key(bytes.try_into().ok()?))
    }

    pub fn seal(&self, aad: &str, value: &str) -> std::io::Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| std::io::Error::other(e.to_string()))?;
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: value.as_bytes(), aad: aad.as_bytes() })
            .map_err(|_| std::io::Error::other("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(B64.encode(out))
    }

    /// `None` when the text was not sealed by this key for this place (or was altered).
    pub fn open(&self, aad: &str, sealed: &str) -> Option<String> {
        let bytes = B64.decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let plain =
            cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: aad.as_bytes() }).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_place() {
        let key = Key::generate().unwrap();
        let sealed = key.seal("env1/TOKEN", "sk-123").unwrap();
        assert!(!sealed.contains("sk-123"));
        assert_ne!(sealed, key.seal("env1/TOKEN", "sk-123").unwrap(), "a fresh nonce each time");
        assert_eq!(key.open("env1/TOKEN", &sealed).as_deref(), Some("sk-123"));
        assert_eq!(key.open("env1/OTHER", &sealed), None);
        assert_eq!(Key::generate().unwrap().open("env1/TOKEN", &sealed), None);
        assert_eq!(Key::decode(&key.encode()), Some(key));
    }
}
