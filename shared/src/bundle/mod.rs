//! The PKCS#12 inspector (to be written).
