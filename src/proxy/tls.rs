//! The https upstream: rustls on the ring provider, trusting the system's root
//! certificates and any private CA named (`--upstream-ca`), or, with `--insecure`, no
//! certificate at all (the handshake's signatures are still checked, so the keys match;
//! who holds them is not).

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::io;
use std::path::Path;
use std::sync::Arc;

/// The largest CA file read: a bundle of every public root is a few hundred kilobytes.
const MAX_CA_FILE: u64 = 4 * 1024 * 1024;

/// How the upstream's certificate is checked.
#[derive(Debug, Clone, Default)]
pub(super) struct Trust<'a> {
    /// A PEM file of CA certificates trusted besides the system's roots.
    pub ca: Option<&'a Path>,
    /// Check no certificate.
    pub insecure: bool,
}

/// The client configuration for an https upstream; an unreadable CA file, or one that
/// holds no certificate rustls takes, is an error that names the file.
pub(super) fn client_config(trust: &Trust<'_>) -> io::Result<Arc<ClientConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?;
    let mut config = if trust.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth()
    } else {
        let mut roots = RootCertStore::empty();
        // The system's roots; those it cannot read or parse are left out (a private CA
        // named on the command line still counts).
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(file) = trust.ca {
            for cert in read_ca_file(file)? {
                roots.add(cert).map_err(|e| {
                    bad_ca(file, &format!("holds a certificate rustls refuses: {e}"))
                })?;
            }
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn bad_ca(file: &Path, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("--upstream-ca {}: {why}", file.display()),
    )
}

/// Every certificate of a PEM file (at least one).
fn read_ca_file(file: &Path) -> io::Result<Vec<CertificateDer<'static>>> {
    let size = std::fs::metadata(file)
        .map_err(|e| bad_ca(file, &format!("cannot be read: {e}")))?
        .len();
    if size > MAX_CA_FILE {
        return Err(bad_ca(
            file,
            &format!("is larger than a CA file can be ({MAX_CA_FILE} bytes)"),
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| bad_ca(file, &format!("cannot be read: {e}")))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_ca(file, &format!("is not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(bad_ca(
            file,
            "holds no certificate (a PEM file with BEGIN CERTIFICATE blocks)",
        ));
    }
    Ok(certs)
}

/// The name the upstream's certificate must hold, sent as SNI: the URL's host (an IP
/// address is checked as one, and sent as no SNI, as TLS has it).
pub(super) fn server_name(host: &str) -> io::Result<ServerName<'static>> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    ServerName::try_from(bare.to_string()).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the upstream's host is no name a certificate can hold: {e}"),
        )
    })
}

/// `--insecure`: any certificate is taken; the handshake's signatures are still verified.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_that_is_missing_empty_or_not_pem_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").unwrap();
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        for (file, words) in [
            (&missing, "cannot be read"),
            (&empty, "holds no certificate"),
            (&broken, "not a PEM certificate file"),
        ] {
            let trust = Trust {
                ca: Some(file),
                insecure: false,
            };
            let e = client_config(&trust).unwrap_err().to_string();
            assert!(e.contains(words) && e.contains("--upstream-ca"), "{e}");
        }
    }

    #[test]
    fn the_server_name_is_the_host_an_ip_address_included() {
        assert!(matches!(
            server_name("sod.superoffice.com").unwrap(),
            ServerName::DnsName(_)
        ));
        assert!(matches!(
            server_name("127.0.0.1").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            server_name("[::1]").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(server_name("bad host!").is_err());
    }
}
