{#- One row per CRM lead: the universe account it resolved to (null when
    unmatched, with the reason). -#}
with

leads as (
    select * from {{ ref('int_leads_matched_to_accounts') }}
),

final as (
    select
        leads.lead_id,
        leads.account_id,
        leads.matched_by,
        cast(leads.match_confidence as {{ type_double() }}) as match_confidence,
        leads.unmatched_reason
    from leads
)

select * from final
