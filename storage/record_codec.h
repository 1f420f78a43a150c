// Serialisation of domain values into the column families' values.
#ifndef ENTENTE_STORAGE_RECORD_CODEC_H_
#define ENTENTE_STORAGE_RECORD_CODEC_H_

#include <string>
#include <string_view>

#include "model/types.h"

namespace entente::storage {

std::string EncodeEntity(const model::Entity& e);
// Returns false on a corrupt value. Sets every field but `id`.
bool DecodeEntity(std::string_view value, model::Entity* out);

std::string EncodeDocument(const model::Document& d);
bool DecodeDocument(std::string_view value, model::Document* out);

std::string EncodeStatement(const model::Statement& s);
bool DecodeStatement(std::string_view value, model::Statement* out);
// A history row (RetractedRecord): the statement as it was and its
// retraction. `id` is not stored (it is the key).
std::string EncodeRetracted(const model::Statement& s, const model::Retraction& r);
bool DecodeRetracted(std::string_view value, model::Statement* s, model::Retraction* r);

// Group rows (key_codec.h, "group/"): a membership without its key's
// member and parent, and a merge without its key's id.
std::string EncodeMembership(const model::Membership& m);
bool DecodeMembership(std::string_view value, model::Membership* out);
std::string EncodeMerge(const model::EntityMerge& m);
bool DecodeMerge(std::string_view value, model::EntityMerge* out);

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_RECORD_CODEC_H_
