//! JSON model.
