//! The input of the targets that judge a document under a profile: the first byte picks
//! the profile, the rest is the document.

use relation_contract::Profile;

/// The profile the first byte picks, and the document; `None` for an empty input.
pub fn split(data: &[u8]) -> Option<(Profile, &[u8])> {
    let (&pick, bytes) = data.split_first()?;
    let profile = match pick % 3 {
        0 => Profile::Auto,
        1 => Profile::Wire,
        _ => Profile::Documented,
    };
    Some((profile, bytes))
}
