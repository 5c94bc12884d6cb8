//! The steps for a key the contact makes on their own server (custody `csr`): send the
//! certificate request ([`send`]), then save and install the certificate the portal signed
//! for it ([`install`]). The portal never sees the private key; the commands that make it,
//! and the names of the files, are [`commands`]'.

mod commands;
mod install;
mod send;

pub use commands::Files;
pub use install::CertificateStep;
pub use send::RequestStep;
