//! The block ciphers of the encryption schemes, in CBC mode with PKCS#7 padding.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt, InnerIvInit, KeyInit};
use zeroize::Zeroizing;

/// A block cipher the schemes use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    TripleDes3Key,
    TripleDes2Key,
    Rc2With128Bits,
    Rc2With40Bits,
}

impl Cipher {
    pub(crate) fn key_len(self) -> usize {
        match self {
            Self::Aes128 | Self::TripleDes2Key | Self::Rc2With128Bits => 16,
            Self::Aes192 | Self::TripleDes3Key => 24,
            Self::Aes256 => 32,
            Self::Rc2With40Bits => 5,
        }
    }

    pub(crate) fn block_len(self) -> usize {
        match self {
            Self::Aes128 | Self::Aes192 | Self::Aes256 => 16,
            _ => 8,
        }
    }

    pub(crate) fn pbes2_name(self) -> &'static str {
        match self {
            Self::Aes128 => "AES-128-CBC",
            Self::Aes192 => "AES-192-CBC",
            Self::Aes256 => "AES-256-CBC",
            _ => "DES-EDE3-CBC",
        }
    }

    pub(crate) fn pkcs12_name(self) -> &'static str {
        match self {
            Self::TripleDes2Key => "pbeWithSHAAnd2-KeyTripleDES-CBC",
            Self::Rc2With128Bits => "pbeWithSHAAnd128BitRC2-CBC",
            Self::Rc2With40Bits => "pbeWithSHAAnd40BitRC2-CBC",
            _ => "pbeWithSHAAnd3-KeyTripleDES-CBC",
        }
    }

    /// `None` when the key or IV has the wrong size or the padding is wrong: with CBC, the
    /// usual sign of a wrong password.
    pub(crate) fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        match self {
            Self::Aes128 => cbc_decrypt(aes::Aes128::new_from_slice(key).ok()?, iv, data),
            Self::Aes192 => cbc_decrypt(aes::Aes192::new_from_slice(key).ok()?, iv, data),
            Self::Aes256 => cbc_decrypt(aes::Aes256::new_from_slice(key).ok()?, iv, data),
            Self::TripleDes3Key => cbc_decrypt(des::TdesEde3::new_from_slice(key).ok()?, iv, data),
            Self::TripleDes2Key => cbc_decrypt(des::TdesEde2::new_from_slice(key).ok()?, iv, data),
            Self::Rc2With128Bits | Self::Rc2With40Bits => {
                // The effective key length is the key length in bits (RFC 2268), which RC2's
                // plain constructor would also pick, but it is spelt out to match the OIDs.
                cbc_decrypt(rc2::Rc2::new_with_eff_key_len(key, key.len() * 8), iv, data)
            }
        }
    }
}

fn cbc_decrypt<C: BlockCipherDecrypt>(
    cipher: C,
    iv: &[u8],
    data: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let mut buffer = Zeroizing::new(data.to_vec());
    let decryptor = cbc::Decryptor::<C>::inner_iv_slice_init(cipher, iv).ok()?;
    let len = decryptor.decrypt_padded::<Pkcs7>(&mut buffer).ok()?.len();
    buffer.truncate(len);
    Some(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbc_decryption_refuses_empty_or_partial_blocks_and_wrong_key_or_iv_sizes() {
        let data = [0x42u8; 16];
        assert!(
            Cipher::Aes128
                .decrypt(&[7; 16], &[9; 16], &data[..15])
                .is_none()
        );
        assert!(Cipher::Aes128.decrypt(&[7; 15], &[9; 16], &data).is_none());
        assert!(Cipher::Aes128.decrypt(&[7; 16], &[9; 8], &data).is_none());
        assert!(
            Cipher::TripleDes3Key
                .decrypt(&[7; 16], &[9; 8], &data)
                .is_none()
        );
        for cipher in [Cipher::Aes256, Cipher::TripleDes3Key, Cipher::Rc2With40Bits] {
            let key = vec![7; cipher.key_len()];
            let iv = vec![9; cipher.block_len()];
            assert!(cipher.decrypt(&key, &iv, &[]).is_none(), "{cipher:?}");
        }
    }

    #[test]
    fn cbc_decryption_checks_the_padding() {
        use cbc::cipher::block_padding::{NoPadding, Padding};
        use cbc::cipher::{BlockModeEncrypt, KeyIvInit};
        let (key, iv) = ([7u8; 32], [9u8; 16]);
        fn encrypt<P: Padding>(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Vec<u8> {
            let mut buffer = [0u8; 32];
            buffer[..plaintext.len()].copy_from_slice(plaintext);
            cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
                .expect("sizes")
                .encrypt_padded::<P>(&mut buffer, plaintext.len())
                .expect("fits")
                .to_vec()
        }
        let ciphertext = encrypt::<Pkcs7>(&key, &iv, b"secret bag");
        let plaintext = Cipher::Aes256
            .decrypt(&key, &iv, &ciphertext)
            .expect("decrypts");
        assert_eq!(&plaintext[..], b"secret bag");
        // A block of zeros ends in a zero byte, which is no PKCS#7 padding.
        let unpadded = encrypt::<NoPadding>(&key, &iv, &[0u8; 16]);
        assert!(Cipher::Aes256.decrypt(&key, &iv, &unpadded).is_none());
    }
}
