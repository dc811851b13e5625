//! Property tests: printing round-trips, and no input makes the engine panic.

use super::ast::*;
use super::*;
use proptest::prelude::*;

fn arb_order() -> impl Strategy<Value = ByteOrder> {
    prop::sample::select(vec![
        ByteOrder::Native,
        ByteOrder::NativeStandard,
        ByteOrder::Little,
        ByteOrder::Big,
        ByteOrder::Network,
        ByteOrder::NativeUnaligned,
    ])
}

/// An item around `ty`, with random prefixes, count and (if `named`) name.
fn arb_item_with(ty: BoxedStrategy<ItemType>, named: bool) -> BoxedStrategy<Item> {
    (
        prop::option::of(prop::collection::vec(0usize..4, 1..3)),
        prop::option::of(arb_order()),
        prop::option::of(0usize..12),
        ty,
        prop::option::of("[^:\\x00]{0,6}"),
    )
        .prop_map(move |(dims, order, count, ty, name)| Item {
            span: Span::default(),
            shape: dims.map(|dims| Shape {
                dims,
                span: Span::default(),
            }),
            byte_order: order.map(|order| ByteOrderMark {
                order,
                span: Span::default(),
            }),
            count: count.map(|value| Count {
                value,
                span: Span::default(),
            }),
            ty,
            name: name.filter(|_| named).map(|text| Name {
                text,
                span: Span::default(),
            }),
        })
        .boxed()
}

fn arb_type() -> BoxedStrategy<ItemType> {
    let leaf = prop::sample::select(TypeCode::ALL.to_vec())
        .prop_map(|code| ItemType::Code(code, Span::default()));
    leaf.prop_recursive(5, 48, 6, |inner| {
        let item = arb_item_with(inner.clone().boxed(), true);
        let pointee = arb_item_with(inner.boxed(), false);
        prop_oneof![
            prop::collection::vec(item.clone(), 0..5).prop_map(|items| {
                ItemType::Struct(Struct {
                    items,
                    span: Span::default(),
                })
            }),
            pointee.prop_map(|p| ItemType::Pointer(Box::new(p))),
            (
                prop::collection::vec(item.clone(), 0..3),
                prop::option::of(item)
            )
                .prop_map(|(args, ret)| ItemType::Function(Function {
                    args,
                    ret: ret.map(Box::new),
                    span: Span::default(),
                })),
        ]
    })
    .boxed()
}

fn arb_ast() -> impl Strategy<Value = Ast> {
    prop::collection::vec(arb_item_with(arb_type(), true), 0..6).prop_map(|items| Ast {
        items,
        span: Span::default(),
    })
}

/// Random text over the format alphabet, mostly near-valid.
fn arb_text() -> impl Strategy<Value = String> {
    "[xcbB?hHiIlLqQnNefdgspPOwuZtTX{}()&<>=!@^0-9:, \\-é\t]{0,24}"
}

fn check_reparse(text: &str) {
    for dialect in [Dialect::Struct, Dialect::NumPy] {
        if let Ok(f) = Format::parse_with(text, dialect) {
            let canonical = f.to_string();
            let again = Format::parse_with(&canonical, dialect)
                .unwrap_or_else(|e| panic!("{text:?} printed as {canonical:?}:\n{e}"));
            assert_eq!(again.ast(), f.ast(), "{text:?} -> {canonical:?}");
            assert_eq!(again.layout(), f.layout(), "{text:?} -> {canonical:?}");
            assert_eq!(again.to_string(), canonical);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn printed_trees_parse_back_equal(ast in arb_ast()) {
        let text = ast.to_string();
        // Generated trees may be too deep or too large to lay out; the syntax still round-trips.
        match Format::parse(&text) {
            Ok(f) => prop_assert_eq!(f.ast(), &ast, "{:?}", text),
            Err(e) => {
                prop_assert!(
                    matches!(
                        e.kind(),
                        FormatErrorKind::SizeOverflow | FormatErrorKind::FieldNameDuplicate { .. }
                    ),
                    "{:?}: {}", text, e
                );
            }
        }
    }

    #[test]
    fn random_text_never_panics_and_round_trips(text in arb_text()) {
        check_reparse(&text);
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let _ = Format::parse(&text).map(|f| f.to_string());
        if let Err(e) = Format::parse(&text) {
            let _ = e.to_string();
        }
    }

    #[test]
    fn errors_always_render(text in arb_text()) {
        if let Err(e) = Format::parse(&text) {
            let rendered = e.to_string();
            prop_assert!(rendered.lines().count() == 3, "{}", rendered);
            prop_assert!(e.span().end <= text.len());
            prop_assert!(text.is_char_boundary(e.span().start));
            prop_assert!(text.is_char_boundary(e.span().end));
        }
    }
}

/// The duplicate-name error comes from lowering, not parsing; make sure the round trip of
/// such a tree still holds at the syntax level.
#[test]
fn syntax_round_trip_independent_of_layout() {
    let f = crate::format::parse::parse("T{i:a:i:a:}").unwrap();
    assert_eq!(crate::format::parse::parse(&f.to_string()).unwrap(), f);
}
