//! What one generator contributes to the expansion of `instr::schema!`.

use proc_macro2::TokenStream;

/// What one generator contributes: public items at the call site, and hidden statics inside
/// the private `__instr` module.
pub(crate) struct Generated {
    pub(crate) public: TokenStream,
    pub(crate) private: TokenStream,
}
