//! "did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `name`, if one is close enough to be a likely
/// misspelling. Case differences alone always qualify (`kgz` -> `KGZ`).
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate.is_empty() {
            continue;
        }
        if candidate.to_lowercase() == lower {
            return Some(candidate);
        }
        let score = strsim::normalized_damerau_levenshtein(&lower, &candidate.to_lowercase());
        let jaro = strsim::jaro_winkler(&lower, &candidate.to_lowercase());
        let score = score.max(if jaro > 0.9 { jaro - 0.2 } else { 0.0 });
        if score >= 0.5 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The help of a diagnostic for an unknown name: "did you mean `X`?" when
/// a candidate is close, `otherwise` when none is.
pub fn help<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>, otherwise: impl Into<String>) -> String {
    match did_you_mean(name, candidates) {
        Some(near) => format!("did you mean `{near}`?"),
        None => otherwise.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["KAZ", "KGZ", "TJK"];
        assert_eq!(did_you_mean("KZG", names), Some("KGZ"));
        assert_eq!(did_you_mean("kgz", names), Some("KGZ"));
        assert_eq!(did_you_mean("UNHCR", names), None);
        assert_eq!(
            did_you_mean("ministeral", ["ministerial", "senior_officials"]),
            Some("ministerial")
        );
    }
}
