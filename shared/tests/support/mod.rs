//! PKCS#12 files built byte by byte, for the cases no tool writes (hostile iteration counts,
//! hundreds of certificates, keys hidden inside encrypted parts), and the system tools. Used by more than one test
//! file, so each uses only some of it.
#![allow(dead_code)]

pub mod der;
pub mod p12;
pub mod tools;
