//! `#[derive(Record)]` for [memview](https://docs.rs/memview): a `#[repr(C)]` or
//! `#[repr(C, packed)]` struct becomes a record type whose PEP 3118 format, padding and
//! validity rules come from the compiler's own layout (`size_of`, `align_of`, `offset_of!`).
//!
//! Use it through `memview` (feature `derive`, on by default), which re-exports it as
//! `memview::Record` next to the trait of the same name:
//!
//! ```ignore
//! #[derive(Clone, Copy, memview::Record)]
//! #[repr(C)]
//! struct Particle {
//!     id: u32,
//!     pos: [f64; 3],
//!     flag: bool,
//! }
//! assert_eq!(
//!     <Particle as memview::Record>::format().as_str(),
//!     "T{I:id:4x(3)d:pos:?:flag:7x}"
//! );
//! ```
//!
//! What is accepted, and what is refused with a compile error that says why:
//!
//! * a struct with named fields or a tuple struct (its fields are named `f0`, `f1`, ... in
//!   the format, as NumPy names unnamed fields), with at least one field;
//! * `#[repr(C)]`, `#[repr(C, align(N))]`, `#[repr(C, packed)]` and `#[repr(C, packed(N))]`;
//!   no `repr`, `repr(Rust)`, `repr(transparent)` or an integer `repr` are refused (the field
//!   order and offsets would not be fixed);
//! * no generic parameters (the format is computed once per type and cached);
//! * field types: `u8 i8 u16 i16 u32 i32 u64 i64 usize isize f32 f64`, `half::f16`, `bool`,
//!   `num_complex::Complex<f32>`, `Complex<f64>`, arrays `[T; N]` of field types (nested too)
//!   and other `#[derive(Record)]` structs. References, raw pointers and tuples are refused
//!   by the derive; any other type by the trait bound `RecordField`, whose message lists
//!   what is allowed;
//! * enums and unions are refused.
//!
//! `#[record(crate = "path")]` names the `memview` crate when it is not a direct dependency
//! called `memview` (re-exported from another crate, or inside `memview` itself).

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{parse_macro_input, Data, DeriveInput, Error, Fields, Type};

/// Derives `memview::Record` for a `#[repr(C)]` or `#[repr(C, packed)]` struct whose fields
/// are memview elements, arrays of them, or other records. See the crate docs for what is
/// accepted and refused.
#[proc_macro_derive(Record, attributes(record))]
pub fn derive_record(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// The `repr` of the struct, as far as the layout of a record depends on it.
struct Repr {
    c: bool,
    packed: bool,
}

fn parse_repr(input: &DeriveInput) -> Result<Repr, Error> {
    let mut repr = Repr {
        c: false,
        packed: false,
    };
    let mut seen = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("repr")) {
        seen = true;
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("C") {
                repr.c = true;
            } else if meta.path.is_ident("packed") {
                repr.packed = true;
                if meta.input.peek(syn::token::Paren) {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    content.parse::<syn::LitInt>()?;
                }
            } else if meta.path.is_ident("align") {
                let content;
                syn::parenthesized!(content in meta.input);
                content.parse::<syn::LitInt>()?;
            } else if meta.path.is_ident("transparent") {
                return Err(meta.error(
                    "`#[derive(Record)]` needs `#[repr(C)]`, not `#[repr(transparent)]`: \
                     write `#[repr(C)]` (the layout of a one-field `repr(C)` struct is the \
                     field's)",
                ));
            } else if meta.path.is_ident("Rust") {
                return Err(meta.error(
                    "`#[derive(Record)]` needs `#[repr(C)]` or `#[repr(C, packed)]`: with \
                     `repr(Rust)` the compiler may reorder the fields",
                ));
            } else {
                let name = meta.path.to_token_stream().to_string();
                return Err(meta.error(format!(
                    "`#[derive(Record)]` does not support `#[repr({name})]`: use \
                     `#[repr(C)]` (C layout) or `#[repr(C, packed)]` (no padding, like \
                     NumPy's default structured dtypes)"
                )));
            }
            Ok(())
        })?;
    }
    if !repr.c {
        let msg = if seen {
            "`#[derive(Record)]` needs `C` in the `repr`: write `#[repr(C)]` or \
             `#[repr(C, packed)]`"
        } else {
            "`#[derive(Record)]` needs `#[repr(C)]` or `#[repr(C, packed)]`: without it Rust \
             may reorder the fields, and the layout would not be the format's"
        };
        return Err(Error::new(input.ident.span(), msg));
    }
    Ok(repr)
}

/// `#[record(crate = "path")]`: where to find `memview`.
fn parse_crate_path(input: &DeriveInput) -> Result<syn::Path, Error> {
    let mut path: syn::Path = syn::parse_quote!(::memview);
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("record")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                path = lit.parse()?;
                Ok(())
            } else {
                Err(meta.error("unknown `record` option: the only one is `crate = \"path\"`"))
            }
        })?;
    }
    Ok(path)
}

/// Refuse field types that can never be record fields, with a reason; everything else is
/// left to the `RecordField` bound.
fn check_field_type(ty: &Type) -> Result<(), Error> {
    match ty {
        Type::Reference(_) => Err(Error::new(
            ty.span(),
            "a reference cannot be a record field: a record is plain bytes, read from files \
             and buffers; store the value itself (a field, an array or a nested record)",
        )),
        Type::Ptr(_) => Err(Error::new(
            ty.span(),
            "a raw pointer cannot be a record field: an address means nothing in another \
             process or file; store an index or offset (`u64`, `usize`) instead",
        )),
        Type::Tuple(_) => Err(Error::new(
            ty.span(),
            "a tuple cannot be a record field: Rust does not fix a tuple's layout; use an \
             array `[T; N]` or another `#[derive(Record)]` struct",
        )),
        Type::Array(a) => check_field_type(&a.elem),
        Type::Paren(p) => check_field_type(&p.elem),
        Type::Group(g) => check_field_type(&g.elem),
        _ => Ok(()),
    }
}

/// `tokens` with every span set to `span` (so that an error about them points there).
fn respan(tokens: TokenStream2, span: Span) -> TokenStream2 {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

fn expand(input: &DeriveInput) -> Result<TokenStream2, Error> {
    let krate = parse_crate_path(input)?;
    let data = match &input.data {
        Data::Struct(s) => s,
        Data::Enum(e) => {
            return Err(Error::new(
                e.enum_token.span,
                "`#[derive(Record)]` needs a struct, not an enum: an enum's variants have no \
                 single format; use a struct with an integer tag field",
            ))
        }
        Data::Union(u) => {
            return Err(Error::new(
                u.union_token.span,
                "`#[derive(Record)]` needs a struct, not a union: overlapping fields have no \
                 single format; use a struct, or a byte array field `[u8; N]`",
            ))
        }
    };
    if let Some(param) = input.generics.params.first() {
        return Err(Error::new(
            param.span(),
            "`#[derive(Record)]` does not support generic parameters: a record's format is \
             computed and cached once per type; define a concrete struct",
        ));
    }
    if let Some(wc) = &input.generics.where_clause {
        return Err(Error::new(
            wc.span(),
            "`#[derive(Record)]` does not support `where` clauses",
        ));
    }
    let repr = parse_repr(input)?;

    let ident = &input.ident;
    let name = ident.to_string();
    // (member for offset_of!/field access, format name, type)
    let mut fields: Vec<(TokenStream2, String, &Type, Span)> = Vec::new();
    match &data.fields {
        Fields::Named(named) => {
            for f in &named.named {
                let id = f.ident.as_ref().expect("named field");
                let text = id.to_string();
                let text = text.strip_prefix("r#").unwrap_or(&text).to_owned();
                fields.push((quote!(#id), text, &f.ty, f.ty.span()));
            }
        }
        Fields::Unnamed(unnamed) => {
            for (i, f) in unnamed.unnamed.iter().enumerate() {
                let index = syn::Index::from(i);
                fields.push((quote!(#index), format!("f{i}"), &f.ty, f.ty.span()));
            }
        }
        Fields::Unit => {
            return Err(Error::new(
                ident.span(),
                "`#[derive(Record)]` needs at least one field: a record of no bytes has no \
                 format",
            ))
        }
    }
    if fields.is_empty() {
        return Err(Error::new(
            ident.span(),
            "`#[derive(Record)]` needs at least one field: a record of no bytes has no format",
        ));
    }
    for (_, _, ty, _) in &fields {
        check_field_type(ty)?;
    }

    let p = quote!(#krate::__private);
    let packed = repr.packed;
    let field_layouts = fields.iter().map(|(member, text, ty, span)| {
        let shape = quote_spanned!(*span=> <#ty as #p::RecordField>::SHAPE);
        quote! {
            #p::FieldLayout::new(#text, ::core::mem::offset_of!(#ident, #member), #shape)
        }
    });
    let reads = fields.iter().map(|(member, _, ty, span)| {
        let read = quote_spanned!(*span=> __reader.read::<#ty>());
        quote!(#member: #read)
    });
    // `Name { 0: .., 1: .. }` builds a tuple struct too.
    let construct = quote!(#ident { #(#reads),* });
    let writes = fields.iter().map(|(member, _, ty, span)| {
        // Copy the field out first: a packed field may not be borrowed.
        quote_spanned!(*span=> {
            let __value: #ty = self.#member;
            __writer.write::<#ty>(__value);
        })
    });

    // One bound per field, at the field's type: a field type that is not a `RecordField` is
    // one error there (with the trait's message), and the impl's body is not checked again.
    let bounds = fields.iter().map(|(_, _, ty, span)| {
        let p = respan(p.clone(), *span);
        quote_spanned!(*span=> #ty: #p::RecordField)
    });

    Ok(quote! {
        #[automatically_derived]
        // SAFETY: `LAYOUT` is the compiler's own layout of this `repr(C)` struct
        // (`size_of`, `align_of`, `offset_of!` of every field, each field's type
        // described by its `RecordField` impl); `cache` is a static of this impl alone.
        unsafe impl #krate::Record for #ident
        where
            #(#bounds),*
        {
            const LAYOUT: &'static #p::RecordLayout = &#p::RecordLayout::new(
                #name,
                ::core::mem::size_of::<#ident>(),
                ::core::mem::align_of::<#ident>(),
                #packed,
                &[#(#field_layouts),*],
            )
            .checked();

            fn cache() -> &'static #p::RecordCache {
                static CACHE: #p::RecordCache = #p::RecordCache::new();
                &CACHE
            }

            #[inline]
            fn read_fields(__reader: &mut #p::LeafReader<'_>) -> Self {
                #construct
            }

            #[inline]
            fn write_fields(&self, __writer: &mut #p::LeafWriter<'_>) {
                #(#writes)*
            }
        }
    })
}
