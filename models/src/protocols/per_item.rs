//! [`PerItem`]: one value per configured item of a model sized by a parameter (a transfer
//! source, a contract, a booking), as one vector sized to the configuration rather than to
//! the parameter's maximum, so that node dumps show only what exists.
//!
//! These sizes were added to models whose reference counterexamples (`counterexamples/`) were
//! written when each had exactly one such item and stored the bare value. So a `PerItem` with
//! one value serializes as that value (`"bits": 1`, `"room": null`), and only a larger
//! configuration shows a list (`"bits": [1, 0]`): the defaults' files stay byte for byte what
//! they were, and a dump never carries slots that cannot be used.

use serde::{Serialize, Serializer};

/// One `T` per item, in item order (never empty in a built model).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PerItem<T>(pub Vec<T>);

impl<T: Clone> PerItem<T> {
    /// `n` copies of `value`.
    pub fn new(n: usize, value: T) -> Self {
        PerItem(vec![value; n])
    }
}

impl<T> std::ops::Deref for PerItem<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> std::ops::DerefMut for PerItem<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T: Serialize> Serialize for PerItem<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_item_serializes_bare_and_more_as_a_list() {
        let one = serde_json::to_string(&PerItem(vec![Some(1u8)])).expect("serializes");
        assert_eq!(one, "1");
        let two = serde_json::to_string(&PerItem(vec![Some(1u8), None])).expect("serializes");
        assert_eq!(two, "[1,null]");
    }
}
