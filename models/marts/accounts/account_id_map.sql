{#- One row per CRM account id (masters and duplicates) with its master. -#}
with

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

final as (
    select
        crm_map.source_account_id,
        crm_map.account_id,
        crm_map.matched_by,
        cast(crm_map.match_confidence as {{ type_double() }}) as match_confidence,
        cast(crm_map.survivorship_rank as {{ dbt.type_int() }}) as survivorship_rank,
        crm_map.is_master
    from crm_map
)

select * from final
