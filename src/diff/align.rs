//! Aligning two sequences (the children of two elements by key, the lines of two texts):
//! Myers' algorithm held to a fixed amount of work ([`DIFF_ALIGN_WORK`]), and past it a
//! fallback that matches the n-th occurrence of each item with its n-th on the other side
//! and keeps the longest run of those matches increasing on both sides, in O(n log n).
//! Either way the cost is linear in the input, and the result depends on the input only,
//! never on the machine's speed (a deadline would make the same diff differ from run to
//! run).

use crate::text::limits::DIFF_ALIGN_WORK;
use std::collections::HashMap;
use std::hash::Hash;

/// Two sequences as small integers: equal items get equal ids (one hash per item, so
/// the alignment compares integers, never long lines).
pub(crate) fn intern<T: Hash + Eq>(a: &[T], b: &[T]) -> (Vec<u32>, Vec<u32>) {
    fn id_of<'a, T: Hash + Eq>(ids: &mut HashMap<&'a T, u32>, x: &'a T) -> u32 {
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        *ids.entry(x).or_insert(next)
    }
    let mut ids: HashMap<&T, u32> = HashMap::new();
    let a_ids: Vec<u32> = a.iter().map(|x| id_of(&mut ids, x)).collect();
    let b_ids: Vec<u32> = b.iter().map(|x| id_of(&mut ids, x)).collect();
    (a_ids, b_ids)
}

/// A common subsequence of two sequences: index pairs, increasing on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Alignment {
    pub pairs: Vec<(usize, usize)>,
    /// Whether the pairs are a longest common subsequence; `false` when the work bound
    /// was reached and the occurrence fallback aligned the middle part.
    pub exact: bool,
}

/// Aligns two sequences: a longest common subsequence when the edit distance is small
/// enough for [`DIFF_ALIGN_WORK`], else a common subsequence found in O(n log n).
pub(crate) fn align(a: &[u32], b: &[u32]) -> Alignment {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let suffix = ra
        .iter()
        .rev()
        .zip(rb.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&ra[..ra.len() - suffix], &rb[..rb.len() - suffix]);
    let mut pairs: Vec<(usize, usize)> = (0..prefix).map(|k| (k, k)).collect();
    let max_d = DIFF_ALIGN_WORK / (ma.len() + mb.len() + 1);
    let (middle, exact) = match myers_bounded(ma, mb, max_d) {
        Some(p) => (p, true),
        None => (occurrence_lis(ma, mb), false),
    };
    pairs.extend(middle.into_iter().map(|(i, j)| (i + prefix, j + prefix)));
    let (sa, sb) = (prefix + ma.len(), prefix + mb.len());
    pairs.extend((0..suffix).map(|k| (sa + k, sb + k)));
    Alignment { pairs, exact }
}

/// Myers' greedy algorithm, giving up (`None`) when the edit distance passes `max_d`.
/// Work O((n + m) · d) and memory O(d²), d ≤ `max_d`.
fn myers_bounded(a: &[u32], b: &[u32], max_d: usize) -> Option<Vec<(usize, usize)>> {
    let (n, m) = (
        isize::try_from(a.len()).ok()?,
        isize::try_from(b.len()).ok()?,
    );
    let max_d = isize::try_from(max_d).ok()?.min(n + m);
    let off = max_d + 1;
    let mut v = vec![0isize; usize::try_from(2 * max_d + 3).ok()?];
    let at = |k: isize| usize::try_from(k + off).unwrap_or(0);
    // trace[d][k + d] = the furthest x on diagonal k = x - y after d edits.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    for d in 0..=max_d {
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a.get(x as usize) == b.get(y as usize) {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                trace.push(v[at(-d)..=at(d)].to_vec());
                return Some(backtrack(&trace, n, m));
            }
        }
        trace.push(v[at(-d)..=at(d)].to_vec());
    }
    None
}

/// The matched pairs of the path Myers' forward pass found, read back from its trace.
fn backtrack(trace: &[Vec<isize>], n: isize, m: isize) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let (mut x, mut y) = (n, m);
    let get = |row: &[isize], i: isize| usize::try_from(i).ok().and_then(|i| row.get(i).copied());
    for d in (1..trace.len()).rev() {
        let (prev, di) = (&trace[d - 1], d as isize);
        let k = x - y;
        // In `prev`, diagonal k' is at k' + d - 1.
        let (above, below) = (get(prev, k + 1 + di - 1), get(prev, k - 1 + di - 1));
        let down = k == -di || (k != di && below < above);
        let (px, py, sx, sy) = if down {
            let px = above.unwrap_or(0);
            (px, px - k - 1, px, px - k)
        } else {
            let px = below.unwrap_or(0);
            (px, px - k + 1, px + 1, px - k + 1)
        };
        while x > sx && y > sy {
            x -= 1;
            y -= 1;
            pairs.push((x as usize, y as usize));
        }
        x = px;
        y = py;
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        pairs.push((x as usize, y as usize));
    }
    pairs.reverse();
    pairs
}

/// The positions of each id in a sequence, handed out first to last: flat arrays (a
/// counting sort), so a hundred thousand distinct ids cost no more than one.
pub(crate) struct Occurrences {
    /// `positions[start[id]..start[id + 1]]` are the positions of `id`, in order.
    start: Vec<usize>,
    positions: Vec<usize>,
    /// The next position of each id to hand out.
    next: Vec<usize>,
}

impl Occurrences {
    /// The positions `j` of `ids` for which `keep(j)`.
    pub(crate) fn new(ids: &[u32], keep: impl Fn(usize) -> bool) -> Self {
        let k = ids.iter().max().map_or(0, |m| *m as usize + 1);
        let mut start = vec![0usize; k + 1];
        for (j, id) in ids.iter().enumerate() {
            if keep(j) {
                start[*id as usize + 1] += 1;
            }
        }
        for i in 0..k {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut positions = vec![0usize; start[k]];
        for (j, id) in ids.iter().enumerate() {
            if keep(j) {
                positions[fill[*id as usize]] = j;
                fill[*id as usize] += 1;
            }
        }
        let next = start.clone();
        Occurrences {
            start,
            positions,
            next,
        }
    }

    /// The next position of `id` not handed out yet.
    pub(crate) fn take(&mut self, id: u32) -> Option<usize> {
        let id = id as usize;
        let at = *self.next.get(id)?;
        if at < *self.start.get(id + 1)? {
            self.next[id] += 1;
            self.positions.get(at).copied()
        } else {
            None
        }
    }
}

/// The fallback alignment: the n-th occurrence of each item matched with its n-th on the
/// other side, then the longest run of matches increasing on both sides (patience
/// sorting with back links), in O(n log n).
fn occurrence_lis(a: &[u32], b: &[u32]) -> Vec<(usize, usize)> {
    let mut in_b = Occurrences::new(b, |_| true);
    let candidates: Vec<(usize, usize)> = a
        .iter()
        .enumerate()
        .filter_map(|(i, id)| in_b.take(*id).map(|j| (i, j)))
        .collect();
    let mut tails: Vec<usize> = Vec::new();
    let mut back: Vec<Option<usize>> = vec![None; candidates.len()];
    for (c, &(_, j)) in candidates.iter().enumerate() {
        let pos = tails.partition_point(|&t| candidates[t].1 < j);
        back[c] = pos.checked_sub(1).map(|p| tails[p]);
        if pos == tails.len() {
            tails.push(c);
        } else {
            tails[pos] = c;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(c) = at {
        out.push(candidates[c]);
        at = back[c];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcs_len(a: &[u32], b: &[u32]) -> usize {
        let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                dp[i][j] = if a[i] == b[j] {
                    dp[i + 1][j + 1] + 1
                } else {
                    dp[i + 1][j].max(dp[i][j + 1])
                };
            }
        }
        dp[0][0]
    }

    fn is_common(p: &[(usize, usize)], a: &[u32], b: &[u32]) -> bool {
        p.iter().all(|&(i, j)| a[i] == b[j])
            && p.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1)
    }

    #[test]
    fn lcs_skips_one_missing() {
        let a = [1, 2, 3, 4];
        let b = [1, 3, 4];
        assert_eq!(align(&a, &b).pairs, vec![(0, 0), (2, 1), (3, 2)]);
    }

    #[test]
    fn bounded_myers_finds_a_longest_common_subsequence() {
        // Small pseudo-random sequences over a small alphabet, checked against the DP.
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % 4
        };
        for round in 0..300 {
            let (la, lb) = (round % 13, (round * 7) % 11);
            let a: Vec<u32> = (0..la).map(|_| next()).collect();
            let b: Vec<u32> = (0..lb).map(|_| next()).collect();
            let got = align(&a, &b);
            assert!(got.exact);
            assert!(is_common(&got.pairs, &a, &b), "{a:?} {b:?} {:?}", got.pairs);
            assert_eq!(got.pairs.len(), lcs_len(&a, &b), "{a:?} {b:?}");
            let fallback = occurrence_lis(&a, &b);
            assert!(is_common(&fallback, &a, &b), "{a:?} {b:?} {fallback:?}");
        }
    }

    #[test]
    fn past_the_work_bound_the_fallback_still_aligns() {
        // Two long sequences with nothing in common in the middle: the bounded search
        // gives up, and the fallback keeps the common prefix, suffix and what repeats.
        let n = 20_000u32;
        let a: Vec<u32> = (0..n).collect();
        let b: Vec<u32> = (0..n).map(|x| if x % 2 == 0 { x } else { x + n }).collect();
        let got = align(&a, &b);
        assert!(!got.exact);
        assert!(is_common(&got.pairs, &a, &b));
        assert_eq!(got.pairs.len(), (n / 2) as usize);
    }
}
