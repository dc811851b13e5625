//! The parser: tree shape, spans, whitespace, prefixes, nesting.

use super::ast::*;
use super::*;

fn tree(text: &str) -> Ast {
    fmt(text).ast().clone()
}

#[test]
fn item_parts_and_spans() {
    let ast = tree(" (2,3)<4i:a b: ");
    assert_eq!(ast.span.range(), 0..15);
    let [item] = ast.items.as_slice() else {
        panic!("{ast:?}")
    };
    assert_eq!(item.span.range(), 1..14);
    let shape = item.shape.as_ref().unwrap();
    assert_eq!(shape.dims, [2, 3]);
    assert_eq!(shape.span.range(), 1..6);
    let mark = item.byte_order.unwrap();
    assert_eq!(mark.order, ByteOrder::Little);
    assert_eq!(mark.span.range(), 6..7);
    let count = item.count.unwrap();
    assert_eq!((count.value, count.span.range()), (4, 7..8));
    match &item.ty {
        ItemType::Code(TypeCode::Int, span) => assert_eq!(span.range(), 8..9),
        other => panic!("{other:?}"),
    }
    let name = item.name.as_ref().unwrap();
    assert_eq!((name.text.as_str(), name.span.range()), ("a b", 9..14));
}

#[test]
fn every_type_code_parses() {
    for code in TypeCode::ALL {
        let text = code.as_str();
        let ast = tree(text);
        assert_eq!(
            ast.items[0].ty,
            ItemType::Code(code, Span::default()),
            "{text}"
        );
        assert_eq!(ast.to_string(), text);
    }
    for c in ['@', '=', '<', '>', '!', '^'] {
        let order = ByteOrder::from_char(c).unwrap();
        assert_eq!(order.as_char(), c);
        assert_eq!(
            tree(&format!("{c}i")).items[0].byte_order.unwrap().order,
            order
        );
    }
}

#[test]
fn structs_pointers_functions() {
    let ast = tree("T{i&<dX{ii->d}}");
    let ItemType::Struct(s) = &ast.items[0].ty else {
        panic!()
    };
    assert_eq!(s.span.range(), 0..15);
    assert_eq!(s.items.len(), 3);
    let ItemType::Pointer(p) = &s.items[1].ty else {
        panic!()
    };
    assert_eq!(p.byte_order.unwrap().order, ByteOrder::Little);
    assert_eq!(p.ty, ItemType::Code(TypeCode::Double, Span::default()));
    let ItemType::Function(func) = &s.items[2].ty else {
        panic!()
    };
    assert_eq!(func.args.len(), 2);
    assert!(func.ret.is_some());
    assert_eq!(func.span.range(), 6..14);
    // Forms ctypes and NumPy emit.
    for text in [
        "T{<i:x:<d:y:}",
        "T{T{<i:x:<d:y:}:p:(3)<h:a:(2,2)<c:m:}",
        "T{>q:x:>H:y:6x}",
        "T{&<i:p:<P:v:<O:o:}",
        "X{}",
        "X{->i}",
        "X{ i d -> O }",
        "&T{i}",
        "&&&i",
        "&(2)<3i:p:",
        "T{b:a:=h:b:i:c:q:d:q:dx:B:e:@H:f:=I:g:Q:h:Q:hx:f:i:d:j:^g:k:=Zf:ix:Zd:jx:^Zg:kx:4s:l:=4w:m:3x:n:?:o:@e:p:}",
    ] {
        let f = fmt(text);
        assert_eq!(tree(&f.to_string()), *f.ast(), "{text}");
    }
    // The pointee takes no name: it names the pointer.
    let ast = tree("&i:p:");
    assert_eq!(ast.items[0].name.as_ref().unwrap().text, "p");
    let ItemType::Pointer(p) = &ast.items[0].ty else {
        panic!()
    };
    assert!(p.name.is_none());
}

#[test]
fn whitespace_rules() {
    // Between items, after prefixes and shapes, inside shapes, before names.
    for text in [
        " i ",
        "\t\n\r\x0b\x0ci\x0c",
        "< i",
        "(2) i",
        "( 2 , 3 ) < i",
        "i :a:",
        "T{ i d }",
        "X{ i -> d }",
        "c 3i",
    ] {
        fmt(text);
    }
    // Not between a count and its code (as struct), nor after `&`, `T`, `Z`.
    assert_eq!(err("3 i"), FormatErrorKind::RepeatCountSpaced);
    assert_eq!(err("& i"), FormatErrorKind::TypeCodeUnknown { found: ' ' });
    assert_eq!(err("T {i}"), FormatErrorKind::BraceMissing { code: 'T' });
    assert_eq!(
        err("Z f"),
        FormatErrorKind::ComplexCodeInvalid { found: Some(' ') }
    );
    // Not Unicode whitespace: non-ASCII is an error outside names.
    assert_eq!(
        err("i\u{a0}i"),
        FormatErrorKind::TypeCodeUnknown { found: '\u{a0}' }
    );
    // ASCII 0x1c (Python's str.isspace says yes; C's isspace says no).
    assert_eq!(
        err("i\x1ci"),
        FormatErrorKind::TypeCodeUnknown { found: '\x1c' }
    );
}

#[test]
fn prefixes_override_and_combine() {
    assert_eq!(tree("@@i"), tree("@i"));
    assert_eq!(tree("<>i"), tree(">i"));
    assert_eq!(tree("<(3)h"), tree("(3)<h"));
    assert_eq!(tree("(2)<(3)i"), tree("(2,3)<i"));
    assert_ne!(tree("!i"), tree(">i"));
    assert_eq!(fmt("<>i").itemsize(), 4);
}

#[test]
fn names() {
    assert_eq!(tree("i::").items[0].name.as_ref().unwrap().text, "");
    assert_eq!(
        tree("i:é ü 名:").items[0].name.as_ref().unwrap().text,
        "é ü 名"
    );
    assert_eq!(
        tree("i:{}()&T:").items[0].name.as_ref().unwrap().text,
        "{}()&T"
    );
    assert_eq!(tree("x:pad:").items[0].name.as_ref().unwrap().text, "pad");
}

#[test]
fn tree_equality_ignores_spans() {
    assert_eq!(tree("ii"), tree(" i  i "));
    assert_ne!(tree("ii"), tree("i"));
    assert_ne!(tree("i:a:"), tree("i:b:"));
}

#[test]
fn nesting_limit() {
    let ok = format!("{}i{}", "T{".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
    assert_eq!(size(&ok), 4);
    let deep = format!(
        "{}i{}",
        "T{".repeat(MAX_DEPTH + 1),
        "}".repeat(MAX_DEPTH + 1)
    );
    let e = Format::parse(&deep).unwrap_err();
    assert_eq!(
        e.kind(),
        &FormatErrorKind::NestingTooDeep { limit: MAX_DEPTH }
    );
    assert_eq!(e.span(), 2 * MAX_DEPTH..2 * MAX_DEPTH + 2);
    assert_eq!(size(&format!("{}i", "&".repeat(MAX_DEPTH))), 8);
    assert!(Format::parse(&format!("{}i", "&".repeat(MAX_DEPTH + 1))).is_err());
}

#[test]
fn nesting_ten_thousand_deep_is_an_error_not_a_crash() {
    for text in [
        format!("{}i{}", "T{".repeat(10_000), "}".repeat(10_000)),
        "T{".repeat(10_000),
        format!("{}i", "&".repeat(10_000)),
        format!("{}{}", "X{".repeat(10_000), "}".repeat(10_000)),
        "X{&T{".repeat(10_000),
        format!("{}i", "(1)".repeat(10_000)),
    ] {
        match Format::parse(&text) {
            Err(e) => assert!(
                matches!(
                    e.kind(),
                    FormatErrorKind::NestingTooDeep { .. } | FormatErrorKind::SizeOverflow
                ),
                "{:?}",
                e.kind()
            ),
            // 10,000 shapes of 1 are fine: shapes do not nest.
            Ok(f) => assert_eq!(f.fields()[0].shape.len(), 10_000),
        }
    }
}

#[test]
fn a_format_of_prefixes_only_is_empty() {
    for text in ["@", "=", "<", ">", "!", "^", " < ", "<>"] {
        let f = fmt(text);
        assert_eq!(f.itemsize(), 0, "{text:?}");
        assert!(f.ast().items.is_empty());
        assert_eq!(f.to_string(), "");
        assert_eq!(np_size(text), 0);
    }
    assert_eq!(err("i<"), FormatErrorKind::ByteOrderDangling);
    assert_eq!(err("<T{<}"), FormatErrorKind::ByteOrderDangling);
}
