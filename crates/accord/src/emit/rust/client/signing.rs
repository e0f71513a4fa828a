//! What the request-signing credentials (`aws_sigv4`, `hmac_signature`) add to
//! `ClientBuilder`: each is held as the runtime's signer (`auth::sigv4::SigV4`,
//! `auth::signing::HmacSigner`) held as the typed `Auth::SigV4` and `Auth::HmacSignature`, which sign the request as built.

use proc_macro2::TokenStream;
use quote::quote;

use super::auth::BuilderAuth;
use crate::emit::rust::tokens::{doc, ident, lit};
use crate::ir::{ApiKeyLocation, CredentialIr, KeyEncoding, SignatureAlgorithm};
use accord_contract::signing::{AwsSigV4, HmacSignature, Place, TimestampUnit};

/// AWS SigV4: the access key and the declared credential scope.
pub(super) fn aws_sigv4(credential: &CredentialIr, aws: &AwsSigV4) -> BuilderAuth {
    let setter = ident(&credential.setter);
    let name = lit(&credential.name);
    let (id_env, secret_env, token_env) =
        (lit(&aws.access_key_id_env), lit(&aws.secret_access_key_env), lit(&aws.session_token_env));
    let (region, service) = (lit(&aws.region), lit(&aws.service));
    let (sha256, normalize) = (aws.content_sha256_header, aws.normalize_uri);
    let setter_doc = doc(&format!(
        "Credential `{}`: AWS Signature Version 4 for service `{}` in `{}`; every request is signed with the secret access key. From `{}`, `{}` and (optional) `{}` with [`ClientBuilder::credentials_from_env`].",
        credential.name,
        aws.service,
        aws.region,
        aws.access_key_id_env,
        aws.secret_access_key_env,
        aws.session_token_env
    ));
    BuilderAuth {
        fields: quote!(#setter: ::std::option::Option<::accord_runtime::auth::sigv4::AwsCredentials>,),
        setters: quote! {
            #setter_doc
            pub fn #setter(mut self, credentials: ::accord_runtime::auth::sigv4::AwsCredentials) -> Self {
                self.#setter = ::std::option::Option::Some(credentials);
                self
            }
        },
        from_env: quote! {
            if let ::std::result::Result::Ok(credentials) = ::accord_runtime::auth::sigv4::AwsCredentials::from_env(#id_env, #secret_env, #token_env) {
                self.#setter = ::std::option::Option::Some(credentials);
            }
        },
        insert: quote! {
            if let ::std::option::Option::Some(aws) = self.#setter {
                let signer = ::accord_runtime::auth::sigv4::SigV4::new(aws, #region, #service)
                    .content_sha256_header(#sha256)
                    .normalize_uri(#normalize);
                credentials.insert(#name, ::accord_runtime::Auth::SigV4(::std::sync::Arc::new(signer)));
            }
        },
    }
}

fn location(location: ApiKeyLocation) -> TokenStream {
    match location {
        ApiKeyLocation::Header => quote!(::accord_runtime::auth::ApiKeyLocation::Header),
        ApiKeyLocation::Query => quote!(::accord_runtime::auth::ApiKeyLocation::Query),
    }
}

fn place(place: Option<&Place>) -> TokenStream {
    match place {
        Some(place) => {
            let (at, name) = (location(place.location), lit(&place.name));
            quote!(::std::option::Option::Some(::accord_runtime::auth::signing::Place { location: #at, name: #name.to_string() }))
        }
        None => quote!(::std::option::Option::None),
    }
}

/// The declared scheme as a runtime value.
fn scheme(hmac: &HmacSignature) -> TokenStream {
    let algorithm = match hmac.algorithm {
        SignatureAlgorithm::HmacSha256 => quote!(HmacSha256),
        SignatureAlgorithm::HmacSha1 => quote!(HmacSha1),
        SignatureAlgorithm::Ed25519 => quote!(Ed25519),
        SignatureAlgorithm::EcdsaP256 => quote!(EcdsaP256),
    };
    let encoding = match hmac.key_encoding {
        KeyEncoding::Utf8 => quote!(Utf8),
        KeyEncoding::Base64 => quote!(Base64),
        KeyEncoding::Hex => quote!(Hex),
    };
    let payload = lit(&hmac.signed_payload);
    let (sig_at, sig_name, sig_format) =
        (location(hmac.signature.location), lit(&hmac.signature.name), lit(&hmac.signature.format));
    let timestamp = match &hmac.timestamp {
        Some(t) => {
            let (at, name, tolerance) = (location(t.location), lit(&t.name), t.tolerance_seconds);
            let unit = match t.unit {
                TimestampUnit::Seconds => quote!(Seconds),
                TimestampUnit::Milliseconds => quote!(Milliseconds),
            };
            quote!(::std::option::Option::Some(::accord_runtime::auth::signing::TimestampPlace {
                location: #at, name: #name.to_string(),
                unit: ::accord_runtime::auth::signing::TimestampUnit::#unit, tolerance_seconds: #tolerance,
            }))
        }
        None => quote!(::std::option::Option::None),
    };
    let (nonce, key_id) = (place(hmac.nonce.as_ref()), place(hmac.key_id.as_ref()));
    let (key_id_env, secret_env) = (lit(&hmac.key_id_env), lit(&hmac.secret_env));
    quote! {
        ::accord_runtime::auth::signing::HmacSignature {
            algorithm: ::accord_runtime::auth::signing::SignatureAlgorithm::#algorithm,
            key_encoding: ::accord_runtime::auth::signing::KeyEncoding::#encoding,
            signed_payload: #payload.to_string(),
            signature: ::accord_runtime::auth::signing::SignaturePlace { location: #sig_at, name: #sig_name.to_string(), format: #sig_format.to_string() },
            timestamp: #timestamp,
            nonce: #nonce,
            key_id: #key_id,
            key_id_env: #key_id_env.to_string(),
            secret_env: #secret_env.to_string(),
        }
    }
}

/// A declared HMAC request signature: the key id (when the scheme sends one) and secret.
pub(super) fn hmac_signature(credential: &CredentialIr, hmac: &HmacSignature) -> BuilderAuth {
    let setter = ident(&credential.setter);
    let name = lit(&credential.name);
    let (key_id_env, secret_env) = (lit(&hmac.key_id_env), lit(&hmac.secret_env));
    let scheme = scheme(hmac);
    let signed = format!(
        "Credential `{}`: each request is signed with {} over `{}`, the signature in {} `{}`",
        credential.name,
        hmac.algorithm.title(),
        hmac.signed_payload,
        hmac.signature.location,
        hmac.signature.name
    );
    if hmac.key_id.is_some() {
        let setter_doc = doc(&format!(
            "{signed}; from `{}` and `{}` with [`ClientBuilder::credentials_from_env`].",
            hmac.key_id_env, hmac.secret_env
        ));
        BuilderAuth {
            fields: quote!(#setter: ::std::option::Option<(::std::string::String, ::accord_runtime::Secret)>,),
            setters: quote! {
                #setter_doc
                pub fn #setter(mut self, key_id: impl ::std::convert::Into<::std::string::String>, secret: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                    self.#setter = ::std::option::Option::Some((key_id.into(), secret.into()));
                    self
                }
            },
            from_env: quote! {
                if let (::std::result::Result::Ok(key_id), ::std::option::Option::Some(secret)) = (::std::env::var(#key_id_env), ::accord_runtime::Secret::from_env(#secret_env)) {
                    if !key_id.is_empty() {
                        self.#setter = ::std::option::Option::Some((key_id, secret));
                    }
                }
            },
            insert: quote! {
                if let ::std::option::Option::Some((key_id, secret)) = self.#setter {
                    let signer = ::accord_runtime::auth::signing::HmacSigner::new(#scheme, ::std::option::Option::Some(key_id), secret);
                    credentials.insert(#name, ::accord_runtime::Auth::HmacSignature(::std::sync::Arc::new(signer)));
                }
            },
        }
    } else {
        let setter_doc =
            doc(&format!("{signed}; from `{}` with [`ClientBuilder::credentials_from_env`].", hmac.secret_env));
        BuilderAuth {
            fields: quote!(#setter: ::std::option::Option<::accord_runtime::Secret>,),
            setters: quote! {
                #setter_doc
                pub fn #setter(mut self, secret: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                    self.#setter = ::std::option::Option::Some(secret.into());
                    self
                }
            },
            from_env: quote! {
                if let ::std::option::Option::Some(secret) = ::accord_runtime::Secret::from_env(#secret_env) {
                    self.#setter = ::std::option::Option::Some(secret);
                }
            },
            insert: quote! {
                if let ::std::option::Option::Some(secret) = self.#setter {
                    let signer = ::accord_runtime::auth::signing::HmacSigner::new(#scheme, ::std::option::Option::None, secret);
                    credentials.insert(#name, ::accord_runtime::Auth::HmacSignature(::std::sync::Arc::new(signer)));
                }
            },
        }
    }
}

/// The contract tests' value of a signing credential (the mock's `Credential::test`).
pub(super) fn test_value(setter: &syn::Ident, hmac_key_id: Option<bool>) -> TokenStream {
    match hmac_key_id {
        None => quote! {
            let builder = builder.#setter(::accord_runtime::auth::sigv4::AwsCredentials::new("test-access-key-id", "test-secret-access-key"));
        },
        Some(true) => quote!(let builder = builder.#setter("test-key-id", "test-secret");),
        Some(false) => quote!(let builder = builder.#setter("test-secret");),
    }
}
