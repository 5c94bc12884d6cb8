//! What a key derivation costs, in hash compressions, worked out from its parameters before it
//! runs.
//!
//! The unit is one compression of a 64-byte block by SHA-1, SHA-224 or SHA-256. A compression
//! of SHA-384 or SHA-512 (a 128-byte block, 80 rounds on 64-bit words) counts [`WIDE_WEIGHT`]
//! units: on x86-64 with the SHA extensions, which hash SHA-1 and SHA-256 but not SHA-512, it
//! takes about four times as long as a SHA-256 one (without them, 1.5 times), so no hash gets
//! more done per unit than SHA-256 does.
//!
//! How each operation is charged (v is the hash's block size, u its output size, L the size
//! of its length field, 8 or 16 bytes):
//! - hashing n bytes from a fresh state: ⌈(n + 1 + L) / v⌉ compressions, the padding included;
//! - keying HMAC: the inner and outer pads, one compression each, after hashing a key longer
//!   than v;
//! - one HMAC on a keyed state: the message after the inner pad, then u bytes after the outer;
//! - the PKCS#12 KDF (RFC 7292 B.2), per u bytes of output: hashing the diversifier, salt and
//!   password (each padded to whole blocks), then one compression for each further iteration;
//! - PBKDF2 (RFC 8018 5.2), keying HMAC once, then per u bytes of output: one HMAC of the salt
//!   and block index, then two compressions (inner and outer) for each further iteration. So
//!   AES-256 (32 bytes) with HMAC-SHA1 (20) runs every iteration twice;
//! - a PKCS#12 PBE: two KDF runs, one for the key and one for the IV;
//! - the MAC: a KDF run and an HMAC over the authenticated safe, for each form of the password
//!   tried (two for the empty password, see `Password::candidates`).
//!
//! Not charged: parsing, the file's SHA-256, decryption and the key and certificate checks.
//! They grow with the file's size, which `MAX_FILE_SIZE` bounds, or with the number of keys and
//! certificates, which `MAX_KEYS` and `MAX_CERTIFICATES` bound; none of them repeats with an
//! iteration count.

use super::kdf::Hash;

/// What a compression of SHA-384 or SHA-512 counts.
pub(crate) const WIDE_WEIGHT: u64 = 4;

impl Hash {
    fn block_len(self) -> u64 {
        match self {
            Self::Sha1 | Self::Sha224 | Self::Sha256 => 64,
            Self::Sha384 | Self::Sha512 => 128,
        }
    }

    /// The message length at the end of the padding.
    fn length_field_len(self) -> u64 {
        match self {
            Self::Sha1 | Self::Sha224 | Self::Sha256 => 8,
            Self::Sha384 | Self::Sha512 => 16,
        }
    }

    fn weight(self) -> u64 {
        match self {
            Self::Sha1 | Self::Sha224 | Self::Sha256 => 1,
            Self::Sha384 | Self::Sha512 => WIDE_WEIGHT,
        }
    }

    fn output(self) -> u64 {
        self.output_len() as u64
    }

    /// Compressions to hash `len` bytes from a fresh state.
    fn compressions(self, len: u64) -> u64 {
        len.saturating_add(1 + self.length_field_len())
            .div_ceil(self.block_len())
    }

    /// Compressions to key HMAC with a key of `key_len` bytes.
    fn hmac_key(self, key_len: u64) -> u64 {
        let hashed_key = if key_len > self.block_len() {
            self.compressions(key_len)
        } else {
            0
        };
        hashed_key + 2
    }

    /// Compressions of one HMAC of `len` bytes on a keyed state, whose pads are compressed
    /// already.
    fn hmac_message(self, len: u64) -> u64 {
        let v = self.block_len();
        let inner = self.compressions(v.saturating_add(len)) - 1;
        let outer = self.compressions(v + self.output()) - 1;
        inner + outer
    }
}

fn len(bytes: usize) -> u64 {
    u64::try_from(bytes).unwrap_or(u64::MAX)
}

/// The PKCS#12 KDF deriving `out_len` bytes.
pub(crate) fn pkcs12_kdf(
    hash: Hash,
    salt_len: usize,
    password_len: usize,
    iterations: u32,
    out_len: usize,
) -> u64 {
    let v = hash.block_len();
    let whole_blocks = |bytes: usize| len(bytes).div_ceil(v).saturating_mul(v);
    let input = v
        .saturating_add(whole_blocks(salt_len))
        .saturating_add(whole_blocks(password_len));
    let later_iterations = u64::from(iterations.saturating_sub(1));
    let per_output = hash
        .compressions(input)
        .saturating_add(later_iterations.saturating_mul(hash.compressions(hash.output())));
    len(out_len)
        .div_ceil(hash.output())
        .saturating_mul(per_output)
        .saturating_mul(hash.weight())
}

/// PBKDF2 with HMAC over `prf` deriving `out_len` bytes.
pub(crate) fn pbkdf2(
    prf: Hash,
    password_len: usize,
    salt_len: usize,
    iterations: u32,
    out_len: usize,
) -> u64 {
    // The salt is followed by the 4-byte block index.
    let first = prf.hmac_message(len(salt_len).saturating_add(4));
    let later_iterations = u64::from(iterations.saturating_sub(1));
    let per_output =
        first.saturating_add(later_iterations.saturating_mul(prf.hmac_message(prf.output())));
    len(out_len)
        .div_ceil(prf.output())
        .saturating_mul(per_output)
        .saturating_add(prf.hmac_key(len(password_len)))
        .saturating_mul(prf.weight())
}

/// One HMAC of `data_len` bytes with a fresh key of `key_len` bytes.
pub(crate) fn hmac(hash: Hash, key_len: usize, data_len: usize) -> u64 {
    hash.hmac_key(len(key_len))
        .saturating_add(hash.hmac_message(len(data_len)))
        .saturating_mul(hash.weight())
}

#[cfg(test)]
mod tests {
    use super::*;
    use counting::{Counted, counted};

    const HASHES: [Hash; 5] = [
        Hash::Sha1,
        Hash::Sha224,
        Hash::Sha256,
        Hash::Sha384,
        Hash::Sha512,
    ];

    #[test]
    fn hashing_pays_for_the_padding_block_when_the_length_does_not_fit() {
        assert_eq!(Hash::Sha256.compressions(0), 1);
        assert_eq!(Hash::Sha256.compressions(55), 1);
        assert_eq!(Hash::Sha256.compressions(56), 2);
        assert_eq!(Hash::Sha512.compressions(111), 1);
        assert_eq!(Hash::Sha512.compressions(112), 2);
    }

    #[test]
    fn a_pkcs12_pbe_for_3des_runs_three_output_blocks_of_every_iteration() {
        // Key (24 bytes, two SHA-1 outputs) and IV (8 bytes, one). Each output block hashes the
        // diversifier, one block of salt and one of password, plus padding (4 compressions),
        // then one compression per further iteration.
        let key = pkcs12_kdf(Hash::Sha1, 8, 22, 2048, 24);
        let iv = pkcs12_kdf(Hash::Sha1, 8, 22, 2048, 8);
        assert_eq!(key, 2 * (4 + 2047));
        assert_eq!(iv, 4 + 2047);
    }

    #[test]
    fn pbkdf2_with_sha1_for_aes_256_runs_every_iteration_twice() {
        // Keying (2), then two output blocks of 20 bytes, each one HMAC of salt and index
        // (2 compressions) and 2 per further iteration.
        assert_eq!(
            pbkdf2(Hash::Sha1, 19, 8, 1_000_000, 32),
            2 + 2 * (2 + 2 * 999_999)
        );
        assert_eq!(
            pbkdf2(Hash::Sha256, 19, 8, 1_000_000, 32),
            2 + 2 + 2 * 999_999
        );
    }

    #[test]
    fn sha512_compressions_weigh_more_than_sha256_ones() {
        assert_eq!(
            pbkdf2(Hash::Sha512, 19, 8, 1000, 32),
            WIDE_WEIGHT * pbkdf2(Hash::Sha256, 19, 8, 1000, 32)
        );
        assert_eq!(
            pkcs12_kdf(Hash::Sha512, 8, 22, 1000, 64),
            WIDE_WEIGHT * pkcs12_kdf(Hash::Sha256, 8, 22, 1000, 32)
        );
    }

    #[test]
    fn long_salts_passwords_and_messages_cost_their_blocks() {
        // A 1000-byte salt is 16 blocks hashed once per output block, not per iteration.
        assert_eq!(
            pkcs12_kdf(Hash::Sha1, 1000, 22, 10, 20) - pkcs12_kdf(Hash::Sha1, 8, 22, 10, 20),
            15
        );
        // A password longer than a block is hashed into the HMAC key once.
        assert_eq!(
            pbkdf2(Hash::Sha256, 65, 8, 10, 32) - pbkdf2(Hash::Sha256, 64, 8, 10, 32),
            2
        );
        assert_eq!(hmac(Hash::Sha256, 32, 6400), 2 + 101 + 1);
    }

    #[test]
    fn the_charges_match_the_compressions_the_crates_really_run() {
        for hash in HASHES {
            for (salt, password, iterations, out) in [
                (8, 22, 3, 24),
                (0, 0, 1, 8),
                (200, 130, 5, 32),
                (64, 2, 2, 20),
            ] {
                let salt_bytes = vec![7; salt];
                let password_bytes = vec![9; password];
                let ran = counted(hash, Counted::Pkcs12Kdf, |derive| {
                    derive(&password_bytes, &salt_bytes, iterations, out)
                });
                assert_eq!(
                    ran,
                    pkcs12_kdf(hash, salt, password, iterations, out),
                    "PKCS#12 KDF {hash:?} salt {salt} password {password} x{iterations} -> {out}"
                );
                let ran = counted(hash, Counted::Pbkdf2, |derive| {
                    derive(&password_bytes, &salt_bytes, iterations, out)
                });
                assert_eq!(
                    ran,
                    pbkdf2(hash, password, salt, iterations, out),
                    "PBKDF2 {hash:?} password {password} salt {salt} x{iterations} -> {out}"
                );
                let ran = counted(hash, Counted::Hmac, |mac| {
                    mac(&password_bytes, &salt_bytes, 1, 0)
                });
                assert_eq!(ran, hmac(hash, password, salt), "HMAC {hash:?}");
            }
        }
    }

    /// Hashes that count the compressions they run, so that the charges above can be checked
    /// against what the RustCrypto crates really do rather than against a second copy of the
    /// same arithmetic.
    mod counting {
        use super::Hash;
        use hmac::{Hmac, KeyInit, Mac};
        use sha2::digest::block_api::{
            AlgorithmName, Block, BlockSizeUser, Buffer, BufferKindUser, CtOutWrapper, Eager,
            FixedOutputCore, OutputSizeUser, Reset, UpdateCore,
        };
        use sha2::digest::{HashMarker, Output, consts};
        use std::cell::Cell;
        use std::fmt;

        thread_local! {
            static COMPRESSIONS: Cell<u64> = const { Cell::new(0) };
        }

        /// A hash core that counts its compressions and leaves the work to `C`.
        #[derive(Clone, Default)]
        pub(super) struct Counting<C>(C);

        impl<C> HashMarker for Counting<C> {}

        impl<C: BlockSizeUser> BlockSizeUser for Counting<C> {
            type BlockSize = C::BlockSize;
        }

        impl<C: BufferKindUser<BufferKind = Eager>> BufferKindUser for Counting<C> {
            type BufferKind = Eager;
        }

        impl<C: OutputSizeUser> OutputSizeUser for Counting<C> {
            type OutputSize = C::OutputSize;
        }

        impl<C: UpdateCore> UpdateCore for Counting<C> {
            fn update_blocks(&mut self, blocks: &[Block<Self>]) {
                COMPRESSIONS.set(COMPRESSIONS.get() + blocks.len() as u64);
                self.0.update_blocks(blocks);
            }
        }

        impl<C> FixedOutputCore for Counting<C>
        where
            C: FixedOutputCore + BufferKindUser<BufferKind = Eager>,
        {
            fn finalize_fixed_core(&mut self, buffer: &mut Buffer<Self>, out: &mut Output<Self>) {
                // Merkle-Damgård padding: 0x80 and the length field, in one block if they fit
                // after the buffered bytes, else in two.
                let block = buffer.size();
                let length_field = if block == 128 { 16 } else { 8 };
                let blocks = if buffer.get_pos() + 1 + length_field > block {
                    2
                } else {
                    1
                };
                COMPRESSIONS.set(COMPRESSIONS.get() + blocks);
                self.0.finalize_fixed_core(buffer, out);
            }
        }

        impl<C: Reset> Reset for Counting<C> {
            fn reset(&mut self) {
                self.0.reset();
            }
        }

        impl<C> AlgorithmName for Counting<C> {
            fn write_alg_name(f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Counting")
            }
        }

        impl<C> fmt::Debug for Counting<C> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Counting")
            }
        }

        sha2::digest::buffer_fixed!(
            pub(super) struct CountingSha1(Counting<sha1::block_api::Sha1Core>);
            impl: BaseFixedTraits AlgorithmName Default Clone HashMarker Reset FixedOutputReset;
        );
        sha2::digest::buffer_fixed!(
            pub(super) struct CountingSha224(
                Counting<CtOutWrapper<sha2::block_api::Sha256VarCore, consts::U28>>
            );
            impl: BaseFixedTraits AlgorithmName Default Clone HashMarker Reset FixedOutputReset;
        );
        sha2::digest::buffer_fixed!(
            pub(super) struct CountingSha256(
                Counting<CtOutWrapper<sha2::block_api::Sha256VarCore, consts::U32>>
            );
            impl: BaseFixedTraits AlgorithmName Default Clone HashMarker Reset FixedOutputReset;
        );
        sha2::digest::buffer_fixed!(
            pub(super) struct CountingSha384(
                Counting<CtOutWrapper<sha2::block_api::Sha512VarCore, consts::U48>>
            );
            impl: BaseFixedTraits AlgorithmName Default Clone HashMarker Reset FixedOutputReset;
        );
        sha2::digest::buffer_fixed!(
            pub(super) struct CountingSha512(
                Counting<CtOutWrapper<sha2::block_api::Sha512VarCore, consts::U64>>
            );
            impl: BaseFixedTraits AlgorithmName Default Clone HashMarker Reset FixedOutputReset;
        );

        /// Which crate function to count.
        #[derive(Clone, Copy)]
        pub(super) enum Counted {
            Pkcs12Kdf,
            Pbkdf2,
            /// `(key, data, _, _)`.
            Hmac,
        }

        type Run<'a> = &'a dyn Fn(&[u8], &[u8], u32, usize);

        /// The compressions `body` runs when it calls the function it is given, which runs
        /// `what` over `hash` with (password or key, salt or data, iterations, output length).
        pub(super) fn counted(hash: Hash, what: Counted, body: impl FnOnce(Run<'_>)) -> u64 {
            fn run<D>(what: Counted, password: &[u8], salt: &[u8], iterations: u32, out: usize)
            where
                D: sha2::digest::Digest
                    + sha2::digest::FixedOutputReset
                    + sha2::digest::block_api::BlockSizeUser
                    + sha2::digest::block_api::EagerHash,
            {
                match what {
                    Counted::Pkcs12Kdf => {
                        let id = pkcs12::kdf::Pkcs12KeyType::Iv;
                        let rounds = i32::try_from(iterations).expect("small");
                        pkcs12::kdf::derive_key::<D>(password, salt, id, rounds, out);
                    }
                    Counted::Pbkdf2 => {
                        let mut key = vec![0; out];
                        pbkdf2::pbkdf2::<Hmac<D>>(password, salt, iterations, &mut key)
                            .expect("any key length");
                    }
                    Counted::Hmac => {
                        let mut mac = Hmac::<D>::new_from_slice(password).expect("any length");
                        mac.update(salt);
                        mac.finalize();
                    }
                }
            }
            let runner: fn(Counted, &[u8], &[u8], u32, usize) = match hash {
                Hash::Sha1 => run::<CountingSha1>,
                Hash::Sha224 => run::<CountingSha224>,
                Hash::Sha256 => run::<CountingSha256>,
                Hash::Sha384 => run::<CountingSha384>,
                Hash::Sha512 => run::<CountingSha512>,
            };
            COMPRESSIONS.set(0);
            body(&|password, salt, iterations, out| runner(what, password, salt, iterations, out));
            COMPRESSIONS.get() * hash.weight()
        }
    }
}
