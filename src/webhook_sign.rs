//! Standard Webhooks signing (<https://www.standardwebhooks.com>): the `whsec_` secret, and
//! the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers a receiver checks with
//! the spec's own libraries. Pure: the sender supplies the id, the time and the body.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const PREFIX: &str = "whsec_";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("a webhook secret starts with whsec_ (`smart-agents notify secret` makes one)")]
    Prefix,
    #[error("the part after whsec_ is not base64")]
    Base64,
    #[error("the secret is too short: at least 24 bytes after whsec_")]
    Short,
}

/// A channel's signing key: the bytes the base64 after `whsec_` decodes to.
pub struct Secret {
    key: Vec<u8>,
}

impl std::fmt::Debug for Secret {
    // Never printed: a secret in a log line is a leaked secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(whsec_…)")
    }
}

impl Secret {
    pub fn parse(text: &str) -> Result<Secret, SecretError> {
        let encoded = text.trim().strip_prefix(PREFIX).ok_or(SecretError::Prefix)?;
        let key = STANDARD.decode(encoded).map_err(|_| SecretError::Base64)?;
        if key.len() < 24 {
            return Err(SecretError::Short);
        }
        Ok(Secret { key })
    }

    /// A fresh secret as text: `whsec_` and 32 random bytes in base64.
    pub fn generate() -> std::io::Result<String> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(format!("{PREFIX}{}", STANDARD.encode(key)))
    }

    /// `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            // HMAC takes a key of any length: this arm is never taken.
            return String::new();
        };
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// The three headers of one delivery attempt.
    pub fn headers(&self, id: &str, timestamp: i64, body: &[u8]) -> [(&'static str, String); 3] {
        [
            ("webhook-id", id.to_string()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", self.sign(id, timestamp, body)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the spec and its reference libraries.
    #[test]
    fn signs_as_the_spec_example() {
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
        let signature = secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn bad_secrets_are_refused_and_new_ones_parse() {
        assert_eq!(Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").err(), Some(SecretError::Prefix));
        assert_eq!(Secret::parse("whsec_!!!").err(), Some(SecretError::Base64));
        assert_eq!(Secret::parse("whsec_c2hvcnQ=").err(), Some(SecretError::Short));
        let made = Secret::generate().expect("random");
        let secret = Secret::parse(&made).expect("a made secret parses");
        assert!(!format!("{secret:?}").contains(&made[6..]));
        let [id, ts, sig] = secret.headers("msg_1", 5, b"{}");
        assert_eq!((id.1.as_str(), ts.1.as_str()), ("msg_1", "5"));
        assert!(sig.1.starts_with("v1,"));
    }
}
