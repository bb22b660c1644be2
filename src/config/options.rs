//! `docsteward.toml` exactly as written: every field optional, unknown keys rejected, spans
//! kept on the values that later validation may need to point at.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    pub include: Option<Vec<Spanned<String>>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    pub content: Option<Vec<ContentOptions>>,
    pub links: Option<LinksOptions>,
    pub terms: Option<TermsOptions>,
    pub rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    pub stale: Option<StaleOptions>,
    pub limits: Option<LimitsOptions>,
    pub site: Option<SiteOptions>,
}

/// `[site]`: which generator publishes the knowledge base, and where its configuration is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SiteOptions {
    pub generator: Option<Spanned<String>>,
    pub root: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsOptions {
    pub max_file_size: Option<Spanned<Size>>,
    pub max_front_matter_size: Option<Spanned<Size>>,
    pub max_findings_per_file: Option<Spanned<u64>>,
}

/// A size as bytes (`1048576`) or with a unit (`"10MiB"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Size {
    Bytes(u64),
    Text(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StaleOptions {
    pub ignore_revs_file: Option<Spanned<String>>,
    pub reviewed_key: Option<String>,
    pub review_interval_key: Option<String>,
    pub owner_key: Option<String>,
    pub default_after: Option<Spanned<String>>,
    pub due_within: Option<Spanned<String>>,
    pub exempt: Option<Vec<Spanned<String>>>,
    pub ignore_authors: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ContentOptions {
    pub name: Spanned<String>,
    pub paths: Spanned<Vec<Spanned<String>>>,
    pub schema: Option<Spanned<String>>,
    pub stale_after: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LinksOptions {
    pub roots: Option<Vec<Spanned<String>>>,
    pub front_matter_keys: Option<Vec<String>>,
    pub routes: Option<Vec<RouteOptions>>,
    pub case_sensitive: Option<bool>,
    pub external: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RouteOptions {
    pub url: Spanned<String>,
    pub file: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TermsOptions {
    pub defined_by: Option<Vec<Spanned<String>>>,
    pub reference_keys: Option<Vec<String>>,
}
