//! Stages 5 to 7 (generate, extend, render) on two threads.
//!
//! progenitor's `types` module holds most of a large document's code. It is parsed,
//! extended and formatted on a thread of its own while the current thread does the same
//! for everything else, and the two texts are joined where the module stands.
//!
//! Syntax trees cannot leave the thread that built them (proc_macro2's tokens are not
//! `Send`), so each thread runs progenitor itself (the same document gives the same
//! tokens) and keeps its part. The parts meet once: the rest's extensions read a few facts
//! of the finished `types` module (see [`extend::Types`]). Each extension changes one
//! side or both in the order the whole file gets them, so the result is byte for byte the
//! one [`extend::extend`] and [`render::render`] give on one thread, which
//! `generator/tests/two_threads.rs` checks on every fixture. A document without a `types` module,
//! or a machine that cannot start a thread, gets the one-thread path.

use std::sync::mpsc;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

use crate::error::{Error, Result, Stage};
use crate::extend::{self, Inputs, Part, Settings, Types};
use crate::generate;

/// The types' thread's stack: as deep as the main thread's, for deeply nested schemas
/// (a spawned thread gets 2 MiB by default).
const STACK: usize = 8 << 20;

/// Generates, extends and formats `inputs.api`'s client: the formatted source without its
/// header.
pub(crate) fn generate_extend_render(inputs: &Inputs<'_>, warnings: &mut Vec<crate::Warning>) -> Result<String> {
    let Inputs {
        name, api, settings, ..
    } = *inputs;
    let (wanted_in, wanted_out) = mpsc::channel();
    let (facts_in, facts_out) = mpsc::channel();
    std::thread::scope(|scope| {
        // Started first: its progenitor run is the other half of the work's start.
        let types_thread = std::thread::Builder::new()
            .name("generator-types".to_owned())
            .stack_size(STACK)
            .spawn_scoped(scope, move || {
                let mut types = Types::Serving {
                    wanted: wanted_out,
                    facts: facts_in,
                };
                generate::catch_quietly(|| types_part(name, api, settings, &mut types))
                    .unwrap_or_else(|why| Err(internal(Stage::Generate, name, "extending progenitor's output", &why)))
            });
        let tokens = generate::generate(name, api, settings)?;
        let Ok(types_thread) = types_thread else {
            return one_thread(inputs, tokens, warnings);
        };
        let rest = match part_of(tokens, Part::Rest) {
            Ok(rest) => rest,
            // The types' thread found no module either and has stopped.
            Err(whole) => return one_thread(inputs, whole, warnings),
        };
        let mut types = Types::Elsewhere {
            wanted: wanted_in,
            facts: facts_out,
        };
        let rest = rest_part(inputs, rest, warnings, &mut types);
        // Closes the channels: a types' thread still waiting learns that the rest failed.
        drop(types);
        let types = types_thread
            .join()
            .unwrap_or_else(|_| Err(extend::internal("the `types` module's thread panicked")));
        match (rest, types) {
            (Ok((before, after)), Ok(Some(types))) => Ok(before + &types + &after),
            (Ok(_), Ok(None)) => Err(extend::internal("progenitor failed on one thread only")),
            // The rest stopped because the types' thread failed: that failure is the cause.
            (Err(rest), Err(types)) if rest.reason.contains(extend::OTHER_HALF_FAILED) => Err(types),
            (Err(rest), _) => Err(rest),
            (Ok(_), Err(types)) => Err(types),
        }
    })
}

/// Where generate, extend and render run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Threads {
    /// The `types` module on a thread of its own ([`generate_extend_render`]).
    Two,
    /// Everything on the calling thread ([`on_one_thread`]).
    One,
}

/// Generates, extends and formats `inputs.api`'s client on the calling thread: what
/// [`generate_extend_render`] gives, byte for byte.
pub(crate) fn on_one_thread(inputs: &Inputs<'_>, warnings: &mut Vec<crate::Warning>) -> Result<String> {
    let tokens = generate::generate(inputs.name, inputs.api, inputs.settings)?;
    one_thread(inputs, tokens, warnings)
}

/// The whole file on the current thread.
fn one_thread(inputs: &Inputs<'_>, tokens: TokenStream, warnings: &mut Vec<crate::Warning>) -> Result<String> {
    let name = inputs.name;
    let file =
        generate::catch_quietly(|| extend::extend(name, inputs.api, tokens, inputs.settings, inputs.overlay, warnings))
            .map_err(|why| internal(Stage::Generate, name, "extending progenitor's output", &why))??;
    generate::catch_quietly(|| prettyplease::unparse(&file))
        .map_err(|why| internal(Stage::Render, name, "formatting the generated code", &why))
}

/// Everything but the `types` module, formatted as the text before the module and the
/// text after it.
fn rest_part(
    inputs: &Inputs<'_>,
    tokens: TokenStream,
    warnings: &mut Vec<crate::Warning>,
    types: &mut Types,
) -> Result<(String, String)> {
    let name = inputs.name;
    let mut file = generate::catch_quietly(|| -> Result<syn::File> {
        let mut file = extend::parse(tokens)?;
        extend::extend_part(inputs, &mut file, warnings, types)?;
        Ok(file)
    })
    .map_err(|why| internal(Stage::Generate, name, "extending progenitor's output", &why))??;
    let at = file
        .items
        .iter()
        .position(is_types_module)
        .ok_or_else(|| extend::internal("the `types` module's place is gone"))?;
    let mut items = std::mem::take(&mut file.items);
    let mut after = file.clone();
    after.items = items.split_off(at + 1);
    items.truncate(at);
    file.items = items;
    generate::catch_quietly(|| (prettyplease::unparse(&file), prettyplease::unparse(&after)))
        .map_err(|why| internal(Stage::Render, name, "formatting the generated code", &why))
}

/// The `types` module, extended and formatted; `None` where progenitor fails (which the
/// rest's thread reports) or makes no `types` module. No overlay: only the rest's hints
/// read it.
fn types_part(name: &str, api: &openapiv3::OpenAPI, settings: &Settings, types: &mut Types) -> Result<Option<String>> {
    let Ok(tokens) = generate::progenitor_only(api, settings) else {
        return Ok(None);
    };
    let Ok(tokens) = part_of(tokens, Part::Types) else {
        return Ok(None);
    };
    let inputs = Inputs {
        name,
        api,
        settings,
        overlay: None,
    };
    let file = generate::catch_quietly(|| -> Result<syn::File> {
        let mut file = extend::parse(tokens)?;
        extend::extend_part(&inputs, &mut file, &mut Vec::new(), types)?;
        Ok(file)
    })
    .map_err(|why| internal(Stage::Generate, name, "extending progenitor's output", &why))??;
    // An extension that added an item beside the module would have it formatted out of
    // place: the rest's side adds every such item.
    if file.items.len() != 1 || !is_types_module(&file.items[0]) {
        return Err(extend::internal(
            "an item was added beside the `types` module on its own thread",
        ));
    }
    generate::catch_quietly(|| prettyplease::unparse(&file))
        .map(Some)
        .map_err(|why| internal(Stage::Render, name, "formatting the generated code", &why))
}

fn is_types_module(item: &syn::Item) -> bool {
    matches!(item, syn::Item::Mod(m) if m.ident == "types")
}

/// `part` of progenitor's top-level tokens: the `types` module with its attributes, or
/// everything else with the module left empty in its place. Without a `types` module, the
/// tokens as they came.
fn part_of(tokens: TokenStream, part: Part) -> std::result::Result<TokenStream, TokenStream> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let ident = |tree: &TokenTree, name: &str| matches!(tree, TokenTree::Ident(i) if i == name);
    let Some(at) = trees.windows(4).position(|w| {
        ident(&w[0], "pub")
            && ident(&w[1], "mod")
            && ident(&w[2], "types")
            && matches!(&w[3], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
    }) else {
        return Err(trees.into_iter().collect());
    };
    // Its outer attributes (`#` then `[..]`) come with it.
    let mut start = at;
    while start >= 2
        && matches!(&trees[start - 2], TokenTree::Punct(p) if p.as_char() == '#')
        && matches!(&trees[start - 1], TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket)
    {
        start -= 2;
    }
    let end = at + 4;
    let mut trees = trees;
    match part {
        Part::Types => Ok(trees.drain(start..end).collect()),
        Part::Rest => {
            trees[end - 1] = TokenTree::Group(Group::new(Delimiter::Brace, TokenStream::new()));
            Ok(trees.into_iter().collect())
        }
        Part::Whole => Ok(trees.into_iter().collect()),
    }
}

/// A panic inside a stage, reported as the error it is.
pub(crate) fn internal(stage: Stage, name: &str, doing: &str, why: &str) -> Error {
    Error::at(
        stage,
        name,
        "",
        format!("internal error: panicked while {doing}: {why}. Please report this with the spec that caused it."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> TokenStream {
        quote::quote! {
            pub use progenitor_client::ResponseValue;
            /// Types used as operation parameters and responses.
            #[allow(clippy::all)]
            pub mod types {
                pub struct Server { pub name: String }
            }
            pub struct Client { baseurl: String }
            pub mod builder { pub struct ListServers; }
        }
    }

    #[test]
    fn the_types_part_is_the_module_with_its_attributes() {
        let types = part_of(tokens(), Part::Types)
            .map_err(|_| "no types module")
            .unwrap_or_default();
        let file: syn::File = syn::parse2(types).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file.items.len(), 1);
        let syn::Item::Mod(module) = &file.items[0] else {
            panic!("not a module")
        };
        assert_eq!(module.ident, "types");
        assert_eq!(module.attrs.len(), 2, "the doc comment and the allow come with it");
        assert_eq!(module.content.as_ref().map(|(_, items)| items.len()), Some(1));
    }

    #[test]
    fn the_rest_keeps_every_other_item_in_order_with_the_module_emptied_in_place() {
        let rest = part_of(tokens(), Part::Rest)
            .map_err(|_| "no types module")
            .unwrap_or_default();
        let file: syn::File = syn::parse2(rest).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<String> = file
            .items
            .iter()
            .map(|item| match item {
                syn::Item::Use(_) => "use".to_owned(),
                syn::Item::Mod(m) => format!(
                    "mod {} ({} items)",
                    m.ident,
                    m.content.as_ref().map_or(0, |(_, i)| i.len())
                ),
                syn::Item::Struct(s) => format!("struct {}", s.ident),
                _ => "other".to_owned(),
            })
            .collect();
        assert_eq!(
            names,
            ["use", "mod types (0 items)", "struct Client", "mod builder (1 items)"]
        );
    }

    #[test]
    fn output_without_a_types_module_comes_back_whole() {
        let tokens = quote::quote! { pub struct Client; pub mod builder {} };
        let back = part_of(tokens.clone(), Part::Rest).err().map(|t| t.to_string());
        assert_eq!(back, Some(tokens.to_string()));
    }
}
